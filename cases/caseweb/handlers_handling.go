package caseweb

import (
	"github.com/gofiber/fiber/v2"

	"fuyi/cases"
	"fuyi/internal/web"
)

// act runs one action on the case of the URL and answers with the updated case.
func (h *Handler) act(c *fiber.Ctx, body any, do func(id int64) (*cases.View, error)) error {
	id, err := h.caseID(c)
	if err != nil {
		return err
	}
	// an invisible case answers 404 before anything about the request is judged
	if _, err := h.store().GetVisible(c.UserContext(), id, web.CurrentUser(c)); err != nil {
		return err
	}
	if body != nil {
		if err := web.BindJSON(c, body); err != nil {
			return err
		}
	}
	v, err := do(id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handler) apiCorrectionServed(c *fiber.Ctx) error {
	var in correctionServedInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.CorrectionServed(c.UserContext(), web.CurrentUser(c), id, in.ServedOn, in.Version)
	})
}

func (h *Handler) apiAssign(c *fiber.Ctx) error {
	var in cases.AssignmentInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.Assign(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

func (h *Handler) apiComplexity(c *fiber.Ctx) error {
	var in complexityInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.SetComplexity(c.UserContext(), web.CurrentUser(c), id, in.Complex, in.Reason, in.Version)
	})
}

func (h *Handler) apiReply(c *fiber.Ctx) error {
	var in cases.ReplyInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.RecordReply(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

type datedInput struct {
	On      string `json:"on"`
	Ground  string `json:"ground"`
	Note    string `json:"note"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (h *Handler) apiSuspend(c *fiber.Ctx) error {
	var in datedInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.Suspend(c.UserContext(), web.CurrentUser(c), id, in.On, in.Ground, in.Note, in.Version)
	})
}

func (h *Handler) apiResume(c *fiber.Ctx) error {
	var in datedInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.Resume(c.UserContext(), web.CurrentUser(c), id, in.On, in.Version)
	})
}

func (h *Handler) apiExtend(c *fiber.Ctx) error {
	var in cases.ExtensionInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.Extend(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

func (h *Handler) apiProcedure(c *fiber.Ctx) error {
	var in procedureInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		if in.Procedure != string(cases.Ordinary) {
			return nil, cases.FieldError("procedure.only_to_ordinary", "procedure", "只能由简易程序转为普通程序（复议法第55条），procedure 须为 ordinary")
		}
		return h.Service.ConvertToOrdinary(c.UserContext(), web.CurrentUser(c), id, in.On, in.Reason, in.Version)
	})
}

func (h *Handler) apiCommittee(c *fiber.Ctx) error {
	var in committeeInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.RecordCommitteeOpinion(c.UserContext(), web.CurrentUser(c), id, in.On, in.Opinion, in.Version)
	})
}

func (h *Handler) apiDecision(c *fiber.Ctx) error {
	var in cases.DecisionInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.ProposeDecision(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

func (h *Handler) apiApproval(c *fiber.Ctx) error {
	var in cases.ApprovalInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.ApproveDecision(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

func (h *Handler) apiService(c *fiber.Ctx) error {
	var in serviceInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.ServeDecision(c.UserContext(), web.CurrentUser(c), id, in.ServedOn, in.Version)
	})
}

func (h *Handler) apiPerformance(c *fiber.Ctx) error {
	var in performanceInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.RecordPerformance(c.UserContext(), web.CurrentUser(c), id, in.PerformedOn, in.Note, in.Version)
	})
}

func (h *Handler) apiOpinionLetter(c *fiber.Ctx) error {
	var in cases.OpinionLetterInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.IssueOpinionLetter(c.UserContext(), web.CurrentUser(c), id, in)
	})
}

func (h *Handler) apiOpinionReport(c *fiber.Ctx) error {
	lid, err := web.ParamID(c, "lid", cases.ErrNotFound)
	if err != nil {
		return err
	}
	var in opinionReportInput
	return h.act(c, &in, func(id int64) (*cases.View, error) {
		return h.Service.ReportOpinionLetter(c.UserContext(), web.CurrentUser(c), id, lid, in.ReportedOn, in.Content, in.Version)
	})
}

func (h *Handler) apiWorkloads(c *fiber.Ctx) error {
	ws, err := h.store().Workloads(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(web.List[cases.Workload]{Items: ws, Total: len(ws)})
}
