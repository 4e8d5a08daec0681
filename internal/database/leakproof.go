package database

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// LeakproofSQL marks the built-in functions of the product's indexed conditions LEAKPROOF (leakproof.sql: the
// one list; scripts/pg.sh runs the same file).
//
// Why: every organ table has row-level security (migration 0022, forced, so it binds the application role),
// and PostgreSQL then uses a query's condition as an index condition only when every function in it is
// LEAKPROOF (the planner must not run a function that could reveal a row's values, by an error or otherwise,
// on rows the policy would hide). ts_match_vq (tsvector @@ tsquery) and the range functions are not marked
// so by PostgreSQL, so without the marks the staff search, the public search, the hearing conflict check and
// the monthly report's cases open on a day read their whole table: correct, but at 1,000,000 cases a search
// takes a second and 200 public searches starve the server.
//
// Why it is safe here: LEAKPROOF is a promise to row-level security and security-barrier views, and in
// Fuyi's database the only such policies are Fuyi's organ scopes, which guard against the application's own
// forgotten organ conditions, not against the author of a query: the application role writes all the SQL
// that runs there, and no other role runs queries against the policies. The listed functions read only their
// arguments and raise no error that depends on a row's values (the range constructors' one error, bounds in
// the wrong order, is excluded for every stored row by the constraints named beside them in leakproof.sql),
// so even a condition run before the organ's has nothing to reveal.
//
// Marking a built-in function needs a superuser (scripts/pg.sh for its clusters; `fuyi db-leakproof` with an
// administrator's URL on any other server). The marks live in each database's catalog: pg_dump does not carry
// them, so a database restored into a new cluster needs them again. `fuyi serve` and `fuyi migrate` warn
// when they are missing (LeakproofMissing), and /readyz lists it.
//
//go:embed leakproof.sql
var LeakproofSQL string

var leakproofLine = regexp.MustCompile(`(?m)^ALTER FUNCTION (.+\)) LEAKPROOF;$`)

// Leakproof lists the functions LeakproofSQL marks, as regprocedure text ("ts_match_vq(tsvector, tsquery)").
func Leakproof() []string {
	var fns []string
	for _, m := range leakproofLine.FindAllStringSubmatch(LeakproofSQL, -1) {
		fns = append(fns, m[1])
	}
	return fns
}

// queryNotLeakproof names the functions of the list that are not marked in the connected database.
const queryNotLeakproof = `SELECT f FROM unnest($1::text[]) WITH ORDINALITY AS l(f, n)
WHERE NOT (SELECT proleakproof FROM pg_proc WHERE oid = f::regprocedure) ORDER BY n`

// LeakproofMissing names the functions of LeakproofSQL that are not LEAKPROOF in the database (none: all
// marked). Any role can read it.
func LeakproofMissing(ctx context.Context, db sqlx.QueryerContext) ([]string, error) {
	var missing []string
	if err := sqlx.SelectContext(System(ctx), db, &missing, queryNotLeakproof, pq.Array(Leakproof())); err != nil {
		return nil, fmt.Errorf("database: leakproof check: %w", err)
	}
	return missing, nil
}

// MarkLeakproof runs LeakproofSQL (as a superuser: PostgreSQL refuses the marks to any other role).
func MarkLeakproof(ctx context.Context, db *sqlx.DB) error {
	return Tx(System(ctx), db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, LeakproofSQL); err != nil {
			return fmt.Errorf("database: mark functions LEAKPROOF (needs a superuser): %w", err)
		}
		return nil
	})
}

// LeakproofWarning is the warning `fuyi serve` and `fuyi migrate` log for missing marks.
func LeakproofWarning(missing []string) string {
	return fmt.Sprintf("the database lacks the LEAKPROOF marks of %d built-in functions (%s): under row-level security "+
		"PostgreSQL cannot use the search indexes, and searches read whole tables (correct, but slow as cases "+
		"accumulate); a database administrator should run `fuyi db-leakproof` once with a superuser's URL "+
		"(FUYI_ADMIN_DATABASE_URL), see README.md", len(missing), strings.Join(missing, ", "))
}
