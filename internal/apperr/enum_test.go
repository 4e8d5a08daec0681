package apperr

import (
	"strings"
	"testing"
)

// TestEnum: a refused code answers 422 naming the field and listing every code with its label.
func TestEnum(t *testing.T) {
	e := NewEnum("审级", "first", "一审", "second", "二审")
	if err := e.Check("instance", "first"); err != nil {
		t.Fatalf("valid code refused: %v", err)
	}
	err := e.Check("instance", "third")
	got, ok := As(err)
	if !ok || got.Kind != Invalid || got.Fields["instance"] == "" {
		t.Fatalf("invalid code: %v", err)
	}
	for _, want := range []string{"instance", "first（一审）", "second（二审）"} {
		if !strings.Contains(got.Message, want) || !strings.Contains(got.Fields["instance"], want) {
			t.Errorf("message %q lacks %q", got.Message, want)
		}
	}
	m := EnumOf("理由", map[string]string{"b": "乙", "a": "甲"})
	if m.Choices[0].Code != "a" || m.Label("b") != "乙" || m.Valid("c") {
		t.Errorf("EnumOf: %+v", m)
	}
}
