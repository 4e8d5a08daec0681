package hearings

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/apperr"
	"fuyi/internal/database"
	"fuyi/internal/date"
)

// Rooms are renamed and retired from the rooms page; a retired room is no longer offered for booking, and
// its past hearings keep it.

const updateRoom = `UPDATE rooms SET name = $2, location = $3 WHERE id = $1 AND active`

const countRoomBookings = `SELECT count(*) FROM hearings WHERE room_id = $1 AND status = 'scheduled' AND ends_at > $2`

const retireRoom = `UPDATE rooms SET active = false WHERE id = $1 AND active`

// roomStatements are the statements of this file (listed in Statements).
func roomStatements() []string { return []string{updateRoom, countRoomBookings, retireRoom} }

var errRoomNotFound = apperr.New(apperr.NotFound, "room.not_found", "听证室不存在或已停用")

// RenameRoom changes a room's name and location.
func (s *Service) RenameRoom(ctx context.Context, id int, in RoomInput) error {
	name, loc := strings.TrimSpace(in.Name), strings.TrimSpace(in.Location)
	f := apperr.Fields{}
	if name == "" || utf8.RuneCountInString(name) > 50 {
		f.Add("name", "听证室名称不能为空且不超过50字")
	}
	if utf8.RuneCountInString(loc) > 100 {
		f.Add("location", "听证室位置不超过100字")
	}
	if err := f.Err(); err != nil {
		return err
	}
	res, err := s.DB.ExecContext(ctx, updateRoom, id, name, loc)
	if c, _ := database.Constraint(err); c == "rooms_name_key" {
		return apperr.State("room.exists", "听证室“%s”已存在", name)
	}
	if err != nil {
		return fmt.Errorf("hearings: rename room: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errRoomNotFound
	}
	return nil
}

// RetireRoom stops offering a room; a room with hearings still to come is refused until they move.
func (s *Service) RetireRoom(ctx context.Context, id int) error {
	var n int
	if err := sqlx.GetContext(ctx, s.DB, &n, countRoomBookings, id, s.Today().In(date.Shanghai)); err != nil {
		return fmt.Errorf("hearings: room bookings: %w", err)
	}
	if n > 0 {
		return apperr.State("room.booked", "该听证室还有%d场已排期的听证，请先改期到其他听证室再停用", n)
	}
	res, err := s.DB.ExecContext(ctx, retireRoom, id)
	if err != nil {
		return fmt.Errorf("hearings: retire room: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errRoomNotFound
	}
	return nil
}
