-- 转送: an application registered at the window of an organ that is not competent is transferred to the
-- competent organ of the installation (行政复议法实施条例第3条第1项; 复议法第30条第1款第6项). The source keeps
-- its record, closed as 已转送 with the organ it went to and the registration number it has there; the
-- competent organ gets a new case with the registration record (parties, act, requests, materials, files)
-- and the date the transfer reached it, which starts its 5-day review (复议法第30条第1款). Nobody of the
-- competent organ registered it: registered_by stays empty and the file copies have no uploader there (a
-- row never names another organ's user). The transfer is the one write across organs; its statements name
-- the competent organ explicitly.

ALTER TABLE cases
	ADD COLUMN transferred_on date,
	ADD COLUMN transferred_to integer REFERENCES organ (id),
	ADD COLUMN transfer_reason text NOT NULL DEFAULT '',
	ADD COLUMN transfer_no text,
	ADD COLUMN transferred_from integer REFERENCES organ (id),
	ADD COLUMN transferred_from_no text,
	ADD COLUMN first_received_on date,
	ALTER COLUMN registered_by DROP NOT NULL;

ALTER TABLE cases DROP CONSTRAINT cases_status_check,
	ADD CONSTRAINT cases_status_check CHECK (status IN ('registered', 'correction', 'accepted', 'suspended', 'decided',
		'terminated', 'rejected', 'abandoned', 'transferred')),
	DROP CONSTRAINT cases_accepted_numbered,
	ADD CONSTRAINT cases_accepted_numbered CHECK (status IN ('registered', 'correction', 'rejected', 'abandoned', 'transferred')
		OR (case_no IS NOT NULL AND accepted_on IS NOT NULL AND procedure IS NOT NULL)),
	-- registered at a window of the organ, or received by transfer
	ADD CONSTRAINT cases_registered CHECK (registered_by IS NOT NULL OR transferred_from IS NOT NULL),
	-- a transferred application: when, to whom, under which number there; never to its own organ
	ADD CONSTRAINT cases_transferred CHECK ((status = 'transferred') = (transferred_on IS NOT NULL)
		AND (transferred_on IS NULL) = (transferred_to IS NULL) AND (transferred_on IS NULL) = (transfer_no IS NULL)
		AND (transferred_on IS NULL OR transfer_reason <> '') AND transferred_to <> organ_id),
	ADD CONSTRAINT cases_transferred_in CHECK ((transferred_from IS NULL) = (transferred_from_no IS NULL)
		AND (transferred_from IS NULL) = (first_received_on IS NULL) AND transferred_from <> organ_id
		AND first_received_on <= received_on);

-- the 转送 column of the statistics counts by the day of transfer
CREATE INDEX cases_transferred_on ON cases (transferred_on) INCLUDE (respondent_agency_id) WHERE transferred_on IS NOT NULL;

-- a copy of a file made by a transfer has no uploader in the competent organ
ALTER TABLE case_files ALTER COLUMN uploaded_by DROP NOT NULL;

-- The completeness check of a file runs at commit, bound to whatever organ the transaction's last statement
-- named; a transfer writes the competent organ's files in the first organ's transaction. The check counts the
-- bytes of its own file in the file's own organ.
CREATE OR REPLACE FUNCTION case_files_complete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	total bigint;
	bound text := coalesce(current_setting('fuyi.organ_id', true), '');
BEGIN
	PERFORM set_config('fuyi.organ_id', NEW.organ_id::text, true);
	SELECT coalesce(sum(length(data)), 0) INTO total FROM file_chunks WHERE file_id = NEW.id;
	PERFORM set_config('fuyi.organ_id', bound, true);
	IF total <> NEW.size THEN
		RAISE EXCEPTION 'file % has % bytes stored for a size of %', NEW.id, total, NEW.size
			USING ERRCODE = 'check_violation', CONSTRAINT = 'case_files_complete';
	END IF;
	RETURN NULL;
END $$;
