package supervisionweb

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/web"
	"fuyi/supervision"
)

func (h *Handler) apiObservations(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	os, err := h.Service.Observations(c.UserContext(), y, 0)
	if err != nil {
		return err
	}
	if os == nil {
		os = []supervision.Observation{}
	}
	return c.JSON(web.List[supervision.Observation]{Items: os, Total: len(os)})
}

func (h *Handler) apiObservation(c *fiber.Ctx) error {
	var in supervision.ObservationInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Service.RecordObservation(c.UserContext(), web.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (h *Handler) apiObservationCounts(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	cs, err := h.Service.ObservationCounts(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(observationCounts{Year: y, Items: cs, Total: len(cs)})
}

// attendeeRows is how many attendee lines the page's form offers.
const attendeeRows = 6

func (h *Handler) pageObservation(c *fiber.Ctx) error {
	in := supervision.ObservationInput{Court: c.FormValue("court"), HeldOn: c.FormValue("held_on"), Cause: c.FormValue("cause"), Notes: c.FormValue("notes")}
	in.LawsuitID, _ = strconv.ParseInt(c.FormValue("lawsuit_id"), 10, 64)
	var typed []string
	for i := 0; i < attendeeRows; i++ {
		name := strings.TrimSpace(c.FormValue(fmt.Sprintf("attendees[%d].name", i)))
		if name == "" {
			continue
		}
		agency, _ := strconv.Atoi(c.FormValue(fmt.Sprintf("attendees[%d].agency_id", i)))
		rank := c.FormValue(fmt.Sprintf("attendees[%d].rank", i))
		in.Attendees = append(in.Attendees, struct {
			AgencyID int    `json:"agency_id"`
			Name     string `json:"name"`
			Rank     string `json:"rank"`
		}{agency, name, rank})
		typed = append(typed, name)
	}
	_, err := h.Service.RecordObservation(c.UserContext(), web.CurrentUser(c), in)
	if err := flashResult(c, err, "已登记庭审旁听", fmt.Sprintf("法院%s，日期%s，旁听人员%s，点评%s", in.Court, in.HeldOn, strings.Join(typed, "、"), in.Notes)); err != nil {
		return err
	}
	return c.Redirect("/supervision#observations", fiber.StatusSeeOther)
}
