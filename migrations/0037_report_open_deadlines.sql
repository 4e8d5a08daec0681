-- The report's 逾期未结 count (reports.qOverdue: open decision deadlines due before the period's end) reads the
-- open deadlines; deadlines_due_kind (kind, due_on) would walk every decision deadline ever due, met or not.
-- The partial index of the open deadlines now holds kind and organ_id (the organ policy): an index-only scan
-- of the open deadlines alone (reports' TestReportCountsAreIndexOnlyScans checks the deadlines too).
DROP INDEX deadlines_open_due;
CREATE INDEX deadlines_open_due ON deadlines (due_on) INCLUDE (kind, organ_id) WHERE status = 'open';
