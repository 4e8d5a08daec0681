package supervisionweb

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fuyi/internal/apperr"
	"fuyi/internal/web"
	"fuyi/supervision"
)

var errNoYear = apperr.New(apperr.NotFound, "review.year", "年度应为2000至2100之间的年份")

func reviewYear(c *fiber.Ctx) (int, error) { return web.ParamInt(c, "year", 2000, 2100, errNoYear) }

func (h *Handler) apiWeights(c *fiber.Ctx) error {
	w, err := h.Service.Weights(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(weightsAnswer{Weights: w})
}

func (h *Handler) apiSetWeights(c *fiber.Ctx) error {
	var in weightsInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	w, err := h.Service.SetWeights(c.UserContext(), web.CurrentUser(c), in.Weights)
	if err != nil {
		return err
	}
	return c.JSON(weightsAnswer{Weights: w})
}

func (h *Handler) apiReview(c *fiber.Ctx) error {
	y, err := reviewYear(c)
	if err != nil {
		return err
	}
	r, err := h.Service.Review(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// apiPublishReview publishes (freezes) a year's review; {"confirm": true} says the caller knows it is final.
func (h *Handler) apiPublishReview(c *fiber.Ctx) error {
	y, err := reviewYear(c)
	if err != nil {
		return err
	}
	var in confirmInput
	if err := web.BindJSON(c, &in); err != nil {
		return err
	}
	if !in.Confirm {
		f := apperr.Fields{}
		f.Add("confirm", "发布后考核结果冻结、不再更改，请确认（confirm: true）")
		return f.Err()
	}
	r, err := h.Service.Publish(c.UserContext(), web.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h *Handler) reviewPDF(c *fiber.Ctx) error {
	y, err := reviewYear(c)
	if err != nil {
		return err
	}
	p, _, published, err := h.Service.Files(c.UserContext(), y)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%d年度行政应诉工作考核", y)
	if !published {
		name += "（草稿）"
	}
	return web.SendPDF(c, name+".pdf", p)
}

func (h *Handler) reviewXLSX(c *fiber.Ctx) error {
	y, err := reviewYear(c)
	if err != nil {
		return err
	}
	_, x, published, err := h.Service.Files(c.UserContext(), y)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%d年度行政应诉工作考核", y)
	if !published {
		name += "（草稿）"
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlEscape(name+".xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(x)
}

func (h *Handler) renderReview(c *fiber.Ctx, y int, fields map[string]string, msg string) error {
	r, err := h.Service.Review(c.UserContext(), y)
	if err != nil {
		return err
	}
	years, err := h.Service.PublishedYears(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, "supervision/review", fiber.Map{"Title": fmt.Sprintf("%d年度行政应诉工作考核", y), "R": r, "Rows": r.Rows(),
		"Notes": r.Notes(), "Indicators": supervision.Indicators, "Years": years, "Errors": fields, "Error": msg})
}

func (h *Handler) pageReview(c *fiber.Ctx) error {
	y, err := reviewYear(c)
	if err != nil {
		return err
	}
	return h.renderReview(c, y, nil, "")
}

// pagePublishReview publishes after the bureau ticked the confirmation that it is final.
func (h *Handler) pagePublishReview(c *fiber.Ctx) error {
	y, err := reviewYear(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "on" {
		f := apperr.Fields{}
		f.Add("confirm", "请勾选确认：发布后考核结果冻结、不再更改")
		return web.FormError(c, f.Err(), func(fields map[string]string, msg string) error { return h.renderReview(c, y, fields, msg) })
	}
	if _, err := h.Service.Publish(c.UserContext(), web.CurrentUser(c), y); err != nil {
		return web.FormError(c, err, func(fields map[string]string, msg string) error { return h.renderReview(c, y, fields, msg) })
	}
	web.Flash(c, fmt.Sprintf("%d年度应诉工作考核结果已发布，此后不再改变", y))
	return c.Redirect(fmt.Sprintf("/supervision/reviews/%d", y), fiber.StatusSeeOther)
}

func (h *Handler) pageWeights(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	if y < 2000 || y > 2100 {
		y = h.Service.Today().Year()
	}
	in := map[string]float64{}
	f := apperr.Fields{}
	for _, ind := range supervision.Indicators {
		v := c.FormValue("weight." + ind.Key)
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			f.Add("weights."+ind.Key, "%s的权重须为0到100之间的数（已填写：%s）", ind.Name, v)
			continue
		}
		in[ind.Key] = n
	}
	err := f.Err()
	if err == nil {
		_, err = h.Service.SetWeights(c.UserContext(), web.CurrentUser(c), in)
	}
	if err := flashResult(c, err, "已保存考核权重", ""); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/supervision/reviews/%d", y), fiber.StatusSeeOther)
}
