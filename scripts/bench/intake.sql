-- The INSERT statements POST /api/v1/cases executes for one application (one transaction), for pgbench.
\set k random(1, 2000000000)
BEGIN;
INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (1, 'pgb-' || :client_id || '-' || :k, '\x00'::bytea) ON CONFLICT (user_id, key) DO NOTHING;
INSERT INTO cases (registration_no, query_code, window_id, registered_by, channel, received_on, respondent_agency_id, act_title, act_doc_no,
	act_made_on, act_known_on, matter, requests, facts, apply_last_day, late_note, review_from, materials, applicant_org)
	VALUES ('PGB-' || nextval('registration_seq'), 'ABCDEFGH', 1, 1, 'window', '2025-09-26', 1, '行政处罚决定书', '栖市监罚〔2025〕345号',
	'2025-08-01', '2025-08-05', '行政处罚', '请求撤销被申请人作出的行政处罚决定。', '申请人认为处罚认定事实不清，适用依据错误。', '2025-10-09', '', '2025-09-26', '{}', false);
INSERT INTO case_parties (case_id, role, position, kind, name, id_type, id_number, credit_code, legal_rep, phone, address, sex, birth_date, agent_kind, firm)
	VALUES (currval('cases_id_seq'), 'applicant', 0, 'person', '压测申请人', 'resident_id', '11010519491231002X', '', '', '13800138000', '南京市栖霞区某路1号', '女', '1949-12-31', '', '');
INSERT INTO deadlines (case_id, kind, ref, due_on, basis, status, met_on)
	VALUES (currval('cases_id_seq'), 'review', '', '2025-10-10', '受理审查期限：自2025-09-26收到申请起5个工作日（复议法第30条第1款、第88条），遇国庆节、中秋节假期顺延', 'open', NULL)
	ON CONFLICT (case_id, kind, ref) WHERE case_id IS NOT NULL DO NOTHING;
INSERT INTO events (case_id, actor_id, action, summary, old, new)
	VALUES (currval('cases_id_seq'), 1, 'case.registered', '登记行政复议申请', NULL, '{"status":"registered"}');
UPDATE idempotency_keys SET status = 201, body = '\x00' WHERE user_id = 1 AND key = 'pgb-' || :client_id || '-' || :k;
COMMIT;
