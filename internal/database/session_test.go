package database_test

import (
	"testing"

	"fuyi/internal/testdb"
)

// The pool's sessions run without JIT compilation (it cost more than it saved on the statements of a
// request) and in China's time zone.
func TestPoolSessionSettings(t *testing.T) {
	db := testdb.Empty(t)
	for setting, want := range map[string]string{"jit": "off", "timezone": "Asia/Shanghai"} {
		var got string
		if err := db.Get(&got, "SELECT current_setting($1)", setting); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
}
