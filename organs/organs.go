// Package organs lists the 复议机关 of the installation (the organ table is not organ-scoped: names, 代字
// and the supervision tree are public), runs work once per organ in that organ's binding, and resolves the
// organ of a public-site section.
package organs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
)

// Organ is one 复议机关.
type Organ struct {
	ID           int    `db:"id" json:"id"`
	Code         string `db:"code" json:"code"`
	Name         string `db:"name" json:"name"`
	OfficeName   string `db:"office_name" json:"office_name"`
	DocPrefix    string `db:"doc_prefix" json:"doc_prefix"`
	SupervisorID *int   `db:"supervisor_id" json:"supervisor_id,omitempty"`
}

const organColumns = `id, code, name, office_name, doc_prefix, supervisor_id`

const queryOrgans = `SELECT ` + organColumns + ` FROM organ ORDER BY id`

// List returns every organ, in the order they were created.
func List(ctx context.Context, db sqlx.QueryerContext) ([]Organ, error) {
	var os []Organ
	if err := sqlx.SelectContext(ctx, db, &os, queryOrgans); err != nil {
		return nil, fmt.Errorf("organs: list: %w", err)
	}
	return os, nil
}

const queryOrganByCode = `SELECT ` + organColumns + ` FROM organ WHERE code = $1`

// ErrUnknown answers a section or organ that does not exist.
var ErrUnknown = apperr.New(apperr.NotFound, "organ.unknown", "没有这个复议机关")

// ByCode returns the organ of a public-site section code.
func ByCode(ctx context.Context, db sqlx.QueryerContext, code string) (Organ, error) {
	var o Organ
	err := sqlx.GetContext(ctx, db, &o, queryOrganByCode, code)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrUnknown
	}
	if err != nil {
		return o, fmt.Errorf("organs: %s: %w", code, err)
	}
	return o, nil
}

// queryUnder is the organ and every organ whose chain of supervisors reaches it.
const queryUnder = `WITH RECURSIVE t (id) AS (SELECT id FROM organ WHERE id = $1
	UNION SELECT o.id FROM organ o JOIN t ON o.supervisor_id = t.id)
SELECT ` + organColumns + ` FROM organ WHERE id IN (SELECT id FROM t) ORDER BY id`

// Under returns the organ and the organs it supervises, directly or below them.
func Under(ctx context.Context, db sqlx.QueryerContext, organ int) ([]Organ, error) {
	var os []Organ
	if err := sqlx.SelectContext(ctx, db, &os, queryUnder, organ); err != nil {
		return nil, fmt.Errorf("organs: under %d: %w", organ, err)
	}
	return os, nil
}

// Statements lists the package's SQL (TestEveryStatementPrepares).
func Statements() []string { return []string{queryOrgans, queryOrganByCode, queryUnder} }

// SectionParam is the query parameter naming the organ of a public-site page (its code); without it the
// page is the first organ's.
const SectionParam = "organ"

// Section binds a public page to the organ of its section (?organ=code; the first organ by default), so
// that its lists, statistics and typical cases are that organ's only. An unknown code answers 404.
func Section(db *sqlx.DB) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := database.System(c.UserContext())
		var id int
		if code := c.Query(SectionParam); code != "" {
			o, err := ByCode(ctx, db, code)
			if err != nil {
				return err
			}
			id = o.ID
		} else {
			os, err := List(ctx, db)
			if err != nil {
				return err
			}
			if len(os) == 0 {
				return ErrUnknown
			}
			id = os[0].ID
		}
		c.SetUserContext(database.WithOrgan(c.UserContext(), id))
		return c.Next()
	}
}
