package publication

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/cases"
	"fuyi/internal/apperr"
	"fuyi/internal/audit"
	"fuyi/internal/auth"
	"fuyi/internal/database"
	"fuyi/internal/redact"
)

// unreviewed refuses a publication while person-like names wait for the reviewer (nothing unconfirmed is
// published: an undecided name may be a witness's).
func unreviewed(open []redact.Candidate) error {
	if len(open) == 0 {
		return nil
	}
	var names []string
	for i, c := range open {
		if i == 5 {
			names = append(names, "等")
			break
		}
		names = append(names, c.Name)
	}
	return apperr.Rule("publication.unreviewed", "尚有%d个疑似人名未确认（%s），请逐一选择“隐去”或“保留”后再公开", len(open), strings.Join(names, "、"))
}

// Decide records the reviewer's answer on a person-like name found in the decision: redact (a person) or
// keep (an official, an ordinary word). The answer holds for every occurrence and every later preview.
func (s *Service) Decide(ctx context.Context, u *auth.User, id int64, name string, redact bool) error {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 20 {
		return cases.FieldError("publication.candidate", "name", "疑似人名须为2–20字")
	}
	if _, err := cases.NewStore(s.db()).GetVisible(ctx, id, u); err != nil {
		return err
	}
	what := "保留"
	if redact {
		what = "隐去"
	}
	return database.Tx(ctx, s.db(), func(tx *sqlx.Tx) error {
		if err := NewStore(tx).Decide(ctx, id, name, redact, u.ID); err != nil {
			return err
		}
		// the name itself stays out of the case history (it may be a person's)
		return audit.Record(ctx, tx, id, u.ID, "publication.reviewed", fmt.Sprintf("公开审核：确认一个疑似人名%s", what), nil, nil)
	})
}
