package auth

import (
	"strings"
	"testing"
)

// TestCheckPassword: bcrypt reads at most 72 bytes, so a longer password is refused when it is set (the
// library refused it with an error, answered 500), with a message that says why.
func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"fuyi-demo-2025", true},
		{strings.Repeat("a", 72), true},
		{strings.Repeat("a", 73), false},
		{strings.Repeat("密", 24), true},  // 72 bytes
		{strings.Repeat("密", 25), false}, // 75 bytes
		{"short", false},
		{"password\x00with-nul", false},
		{"password\twith-tab", false},
		{"\xff\xfe-not-utf-8-at-all", false},
	} {
		if msg := CheckPassword(tc.pw); (msg == "") != tc.ok {
			t.Errorf("CheckPassword(%q) = %q, want ok=%v", tc.pw, msg, tc.ok)
		}
	}
	if msg := CheckPassword(strings.Repeat("a", 100)); !strings.Contains(msg, "72") {
		t.Errorf("the message should give the limit: %s", msg)
	}
}

// TestUserNames: control, direction and invisible characters are refused in a user's name.
func TestUserNames(t *testing.T) {
	for name, ok := range map[string]bool{"王窗口": true, "欧阳娜娜": true, "Zoë": true, "王\u202e口": false, "王\u200b口": false,
		"王\x00口": false, "王\u2066口": false, "\ufeff王": false} {
		n := NewUser{Username: "u1", Name: name, Role: RoleOfficer, Password: "long-enough-pw"}
		if err := n.validate(); (err == nil) != ok {
			t.Errorf("name %q: %v, want ok=%v", name, err, ok)
		}
	}
}
