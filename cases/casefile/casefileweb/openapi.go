package casefileweb

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"fuyi/cases/casefile"
	"fuyi/internal/apidoc"
	"fuyi/internal/apperr"
	"fuyi/internal/web"
)

func categoryText() string {
	parts := make([]string, len(casefile.Categories))
	for i, c := range casefile.Categories {
		parts[i] = c.Code + " " + c.Label
	}
	return "材料类别：" + strings.Join(parts, "；")
}

// API documents the routes of this package (TestOpenAPIMatchesRouteTable keeps it complete).
var API = func() []apidoc.Op {
	var ops []apidoc.Op
	for _, o := range []struct{ path, what string }{{"/api/v1/cases/:id", "复议案件"}, {"/api/v1/lawsuits/:id", "应诉案件"}} {
		ops = append(ops,
			apidoc.Op{Method: fiber.MethodPost, Path: o.path + "/files", Summary: "上传" + o.what + "的材料（PDF、JPEG、PNG、TIFF、OFD）",
				Description: "类型按内容判断；大小上限为 FUYI_UPLOAD_LIMIT。",
				Body: apidoc.Form{Fields: map[string]string{"category": categoryText(), "title": "材料名称",
					"party": "证据的提交人（编入证据目录）：applicant 申请人；respondent 被申请人；third_party 第三人；organ 复议机构调取", "purpose": "证据的证明目的（不超过500字）"},
					Files: map[string]string{"file": "文件"}},
				Status: fiber.StatusCreated, Answer: casefile.File{}},
			apidoc.Op{Method: fiber.MethodGet, Path: o.path + "/files", Summary: o.what + "的材料（含已撤回的）", Answer: web.List[casefile.File]{}},
			apidoc.Op{Method: fiber.MethodGet, Path: o.path + "/files/:fid", Summary: "下载材料（原样字节）", Answer: apidoc.File{casefile.TypePDF, casefile.TypeJPEG, casefile.TypePNG, casefile.TypeTIFF, casefile.TypeOFD}},
			apidoc.Op{Method: fiber.MethodPost, Path: o.path + "/files/:fid/withdrawal", Summary: "撤回材料（须说明理由，保留记录，不删除）",
				Body: withdrawalInput{}, Example: map[string]any{"reason": "上传错误"}, Answer: casefile.File{}},
		)
	}
	ops = append(ops,
		apidoc.Op{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/archive", Summary: "归档：生成卷宗（正卷、副卷），此后案件只读",
			Description: "仅限已办结（已决定或已终止）的案件，由复议机构负责人归档；保管期限 permanent 永久、30y 定期30年、10y 定期10年。" +
				"决定书（或终止决定书）须已登记送达（409 archive.not_served）；须由被申请人履行的决定（复议法第77条）须已登记履行（409 archive.not_performed），" +
				"且无未履行的责令限期履行通知书（409 archive.order_open）：归档后案件只读，之后无法再登记。",
			Body: archiveInput{}, Example: map[string]any{"retention": "30y"}, Status: fiber.StatusCreated, Answer: casefile.Archive{}},
		apidoc.Op{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/inspections", Summary: "阅卷记录（复议法第47条）",
			Answer: web.List[casefile.Inspection]{}},
		apidoc.Op{Method: fiber.MethodPost, Path: "/api/v1/cases/:id/inspections", Summary: "登记阅卷：申请人、第三人或委托代理人查阅、复制本案材料（复议法第47条）",
			Description: "reader 为当事人（applicant:0、third_party:0、agent:0，即类别与登记顺序）；file_ids 只能是本案未撤回的非内部材料；" +
				"办案人员或复议机构负责人登记；归档后不再登记（409）。",
			Body: casefile.InspectionInput{}, Enums: map[string]apperr.Enum{"kind": casefile.InspectionKinds},
			Example: map[string]any{"reader": "applicant:0", "inspected_on": "2026-10-15", "kind": "read_copy", "file_ids": []int64{1},
				"copy_pages": 12, "withheld": "", "note": "申请人本人持身份证查阅"},
			Status: fiber.StatusCreated, Answer: casefile.Inspection{}},
		apidoc.Op{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/archive.pdf", Summary: "卷宗PDF（正卷；?volume=sub 为副卷）",
			Answer: apidoc.File{"application/pdf"}},
		apidoc.Op{Method: fiber.MethodGet, Path: "/api/v1/cases/:id/archive.zip", Summary: "卷宗ZIP：原件、文书、正副卷PDF与 manifest.json（SHA-256）",
			Answer: apidoc.File{"application/zip"}},
	)
	return ops
}()
