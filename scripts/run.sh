#!/usr/bin/env bash
# make run: private database (unless DATABASE_URL is set) → migrate → demo organisation → serve.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
	out=$(bash scripts/pg.sh start var/pg)
	export "${out?}"
	trap 'bash scripts/pg.sh stop var/pg' EXIT
	echo "使用私有数据库：./var/pg（数据在重启后保留）"
else
	echo "使用 DATABASE_URL 指定的数据库"
fi
bash scripts/fonts.sh # warns when the fallback fonts for rare name characters are missing
if ! command -v pdftoppm >/dev/null 2>&1; then
	echo "注意：未安装 poppler-utils（pdftoppm），归档时 PDF 扫描件不能绘入卷宗 PDF（sudo apt-get install poppler-utils）" >&2
fi
export FUYI_LOG_FORMAT=${FUYI_LOG_FORMAT:-text}
addr=${FUYI_ADDR:-127.0.0.1:8080}

./bin/fuyi migrate
./bin/fuyi seed-demo >/dev/null

cat <<MSG

  复议 Fuyi 已启动：http://${addr}/
  公众页面：http://${addr}/status

  演示账号（密码均为 fuyi-demo-2025）：
    window1, window2   司法所窗口（SFS01 / SFS02）
    officer1…officer5  办案人员（具备法律职业资格）
    clerk1             书记员（不具备资格）
    chief1             复议机构负责人
    bureau1            司法局
  第二个复议机关 南京市人民政府（宁政复）：
    window3            司法所窗口（SFS11）
    officer11…officer13 办案人员
    chief2             复议机构负责人
    bureau2            南京市司法局
    city1              上级统计（/oversight，只看统计与应诉数字，不看案卷）

  按 Ctrl-C 停止。
MSG
./bin/fuyi serve
