-- Staff contacts for the alerts: the e-mail (0006) and now the mobile number, both set by the bureau in the
-- admin pages, the API and `fuyi user email|mobile`. '' means none. The Go rules are auth.CheckEmail/CheckMobile.
ALTER TABLE users ADD COLUMN mobile text NOT NULL DEFAULT '' CHECK (mobile = '' OR mobile ~ '^1[3-9][0-9]{9}$');
