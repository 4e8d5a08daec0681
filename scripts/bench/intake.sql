-- The statements POST /api/v1/cases sends for one application (cmd/loadgen's body: one applicant), in one
-- transaction, for pgbench: the same SQL text as the handler (cases/store_intake.go insertApplication and
-- insertDeadlines, internal/audit insertEventReturning, internal/idempotency claimKey and storeAnswer) with the
-- values the handler binds. Besides these writes the handler reads the other applications contesting the same
-- act (1 statement, off the index cases_act_series), and at most once a second per token the session (1,
-- with the organ binding's two set_config around it) and the calendar version.
\set k random(1, 2000000000)
\set agency random(1, 6)
BEGIN;
INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (1, 'pgb-' || :client_id || '-' || :k, '\x00'::bytea) ON CONFLICT (user_id, key) DO NOTHING;
WITH c AS (
	INSERT INTO cases (registration_no, query_code, window_id, registered_by, channel, received_on,
		respondent_agency_id, act_title, act_doc_no, act_made_on, act_known_on, matter, requests, facts,
		apply_last_day, late_note, review_from, materials, applicant_org, postmarked_on, search)
	SELECT s.no, 'ABCDEFGH', 1, 1, 'window', '2025-09-26',
		a.id, '行政处罚决定书', '栖市监罚〔2025〕345号', '2025-08-01', '2025-08-05', '行政处罚', '请求撤销被申请人作出的行政处罚决定。', '申请人认为处罚认定事实不清，适用依据错误。', '2025-10-09', '', '2025-09-26', '{}', false, NULL,
		search_tokens(concat_ws(' ', s.no, '栖市监罚〔2025〕345号'::text, '行政处罚决定书'::text, a.name, '压测申请人1 11010519491231002X  '::text))
	FROM agencies a CROSS JOIN LATERAL (SELECT 'PGB-2025-' || CASE WHEN q.n < 1000000 THEN lpad(q.n::text, 6, '0') ELSE q.n::text END AS no
		FROM (SELECT nextval('registration_seq') AS n) q) s
	WHERE a.id = :agency AND a.active
	RETURNING id, registration_no, version, organ_id
), p AS (
	INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code, legal_rep, phone,
		address, sex, birth_date, agent_kind, firm, legal_rep_title)
	SELECT c.id, x.role, x.position, x.kind, x.name, x.id_type, x.id_number, x.credit_code, x.legal_rep, x.phone,
		x.address, x.sex, x.birth_date, x.agent_kind, x.firm, x.legal_rep_title
	FROM c, jsonb_to_recordset('[{"role":"applicant","position":0,"kind":"person","name":"压测申请人1","id_type":"resident_id","id_number":"11010519491231002X","credit_code":"","legal_rep":"","phone":"13800138000","address":"南京市栖霞区某路1号","sex":"女","birth_date":"1949-12-31","agent_kind":"","firm":"","legal_rep_title":""}]'::jsonb) AS x(role text, position integer, kind text, name text, id_type text,
		id_number text, credit_code text, legal_rep text, phone text, address text, sex text, birth_date date,
		agent_kind text, firm text, legal_rep_title text)
	RETURNING id, role, position
)
SELECT c.id, c.registration_no, c.version, a.name AS agency_name, a.category AS agency_category,
	o.min_officers, coalesce((SELECT json_agg(json_build_object('id', p.id, 'role', p.role, 'position', p.position)) FROM p), '[]') AS parties
FROM c JOIN agencies a ON a.id = :agency JOIN organ o ON o.id = c.organ_id;
INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on)
SELECT currval('cases_id_seq'), x.kind, x.ref, x.due_on, x.basis, x.status, x.met_on
FROM jsonb_to_recordset('[{"kind":"review","ref":"","due_on":"2025-10-10","basis":"受理审查期限：自2025-09-26收到申请起5个工作日（复议法第30条第1款、第88条），遇国庆节、中秋节假期顺延","status":"open","met_on":null}]'::jsonb) AS x(kind text, ref text, due_on date, basis text, status text, met_on date);
INSERT INTO events (case_id, actor_id, action, summary, old, new) VALUES (currval('cases_id_seq'), 1, 'case.registered', '登记行政复议申请 PGB（窗口递交）', NULL, '{"deadlines":{"review":"2025-10-10"},"registration_no":"PGB","status":"registered"}') RETURNING id, at;
UPDATE idempotency_keys SET status = 201, body = '\x00' WHERE user_id = 1 AND key = 'pgb-' || :client_id || '-' || :k;
COMMIT;
