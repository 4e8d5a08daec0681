package accounts_test

import (
	"fmt"
	"sync"
	"testing"

	"fuyi/internal/date"
	"fuyi/internal/testapp"
)

// TestConcurrentUserCreationOneWins: ten creations of one username at the same moment give one 201 and
// nine 409; the winner's role and password stay (no creation overwrites an existing user).
func TestConcurrentUserCreationOneWins(t *testing.T) {
	a := testapp.New(t, date.MustParse("2026-11-22"))
	b := a.Login("bureau1")
	const n = 10
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			role := "officer"
			if i%2 == 1 {
				role = "chief"
			}
			r := a.Do("POST", "/api/v1/users", b, map[string]any{"username": "race1", "name": "并发用户", "role": role,
				"password": fmt.Sprintf("password-%02d-long", i)})
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	won := -1
	for i, s := range statuses {
		switch s {
		case 201:
			if won >= 0 {
				t.Fatalf("two creations answered 201: %v", statuses)
			}
			won = i
		case 409:
		default:
			t.Fatalf("creation %d answered %d: %v", i, s, statuses)
		}
	}
	if won < 0 {
		t.Fatalf("no creation won: %v", statuses)
	}
	wantRole := "officer"
	if won%2 == 1 {
		wantRole = "chief"
	}
	var role string
	if err := a.DB.Get(&role, `SELECT role FROM users WHERE username = 'race1'`); err != nil || role != wantRole {
		t.Fatalf("role %q (%v), the winner asked %q", role, err, wantRole)
	}
	if r := a.Do("POST", "/api/v1/sessions", "", map[string]string{"username": "race1", "password": fmt.Sprintf("password-%02d-long", won)}); r.Status != 201 {
		t.Fatalf("the winner's password no longer works: %d", r.Status)
	}
}
