package textsearch

import (
	"strings"
	"testing"
)

func TestTokensAndQuery(t *testing.T) {
	toks := strings.Join(Tokens("行政处罚 GB-7718 决定"), ",")
	for _, want := range []string{"行", "行政", "政处", "处罚", "gb", "7718", "决定"} {
		if !strings.Contains(","+toks+",", ","+want+",") {
			t.Errorf("tokens %s lack %s", toks, want)
		}
	}
	if q := Query("处罚"); q != "'处罚'" {
		t.Fatalf("two characters: %s", q)
	}
	if q := Query("罚"); q != "'罚'" {
		t.Fatalf("one character: %s", q)
	}
	if q := Query("行政处罚"); q != "'行政' & '政处' & '处罚'" {
		t.Fatalf("run: %s", q)
	}
	if q := Query("'; DROP TABLE x; --"); q != "'drop' & 'table' & 'x'" {
		t.Fatalf("metacharacters: %s", q)
	}
	if Query("，。！") != "" {
		t.Fatal("punctuation only")
	}
}
