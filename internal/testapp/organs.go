package testapp

import (
	"context"
	"fmt"

	"fuyi/internal/database"
	"fuyi/internal/testdb"
)

// AgencyIn returns the id of an active respondent agency of the organ with that code (its own entries, not
// the shared ones).
func (a *App) AgencyIn(organ string) int {
	a.T.Helper()
	var id int
	if err := a.DB.Get(&id, `SELECT a.id FROM agencies a JOIN organ o ON o.id = a.organ_id
		WHERE o.code = $1 AND a.active ORDER BY a.id LIMIT 1`, organ); err != nil {
		a.T.Fatalf("agency of organ %s: %v", organ, err)
	}
	return id
}

// OrganID returns the id of the organ with that code.
func (a *App) OrganID(code string) int {
	a.T.Helper()
	var id int
	if err := a.DB.GetContext(database.System(a.T.Context()), &id, `SELECT id FROM organ WHERE code = $1`, code); err != nil {
		a.T.Fatalf("organ %s: %v", code, err)
	}
	return id
}

// RegisterAt posts an application against the agency as user (a window of any organ) and returns the id.
func (a *App) RegisterAt(user, received string, agency int) int64 {
	a.T.Helper()
	body := Application(received)
	body["respondent_agency_id"] = agency
	r := a.Do("POST", "/api/v1/cases", a.Login(user), body)
	if r.Status != 201 {
		a.T.Fatalf("register as %s: %d %s", user, r.Status, r.Body)
	}
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(a.T, &v)
	return v.ID
}

// AcceptAs reviews a case as the given chief with the outcome accept (ordinary procedure).
func (a *App) AcceptAs(chief string, id int64, on string) *Response {
	a.T.Helper()
	return a.Do("POST", fmt.Sprintf("/api/v1/cases/%d/review", id), a.Login(chief),
		map[string]any{"outcome": "accept", "on": on, "procedure": "ordinary"})
}

// RequireRowSecurity stops a test that proves what row-level security enforces when the tests connect as a
// role that bypasses it (testdb.RequireRowSecurity).
func (a *App) RequireRowSecurity() {
	a.T.Helper()
	testdb.RequireRowSecurity(a.T, a.DB)
}

// RequireAppRole ends a benchmark that would not measure what production pays: a database role that bypasses
// row-level security (a superuser, or BYPASSRLS) leaves out the organ policies, and a database without the
// LEAKPROOF marks (database.LeakproofSQL: scripts/pg.sh, `fuyi db-leakproof`) cannot search an index under
// them. scripts/pg.sh (make bench) gives the application role fuyi and the marks. It returns the role's name.
func (a *App) RequireAppRole() string {
	a.T.Helper()
	var role struct {
		Name   string `db:"rolname"`
		Bypass bool   `db:"bypass"`
	}
	if err := a.DB.Get(&role, `SELECT rolname, rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`); err != nil {
		a.T.Fatalf("role: %v", err)
	}
	if role.Bypass {
		a.T.Fatalf("the database role %s bypasses row-level security (superuser or BYPASSRLS): measure as the application role of scripts/pg.sh (make bench)", role.Name)
	}
	missing, err := database.LeakproofMissing(context.Background(), a.DB)
	if err != nil {
		a.T.Fatalf("leakproof marks: %v", err)
	}
	if len(missing) > 0 {
		a.T.Fatalf("%s (start the cluster with the current scripts/pg.sh, or run fuyi db-leakproof)", database.LeakproofWarning(missing))
	}
	return role.Name
}
