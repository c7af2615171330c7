-- Create "closed_reports" table
CREATE TABLE `closed_reports` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `year` integer NOT NULL, `township_id` integer NULL, `close_seq` integer NOT NULL, `json` blob NOT NULL, `json_sha256` text NOT NULL, `xlsx` blob NOT NULL, `xlsx_sha256` text NOT NULL, `closed_at` datetime NOT NULL, `closed_by` text NOT NULL, `superseded_at` datetime NULL);
-- Set sequence for "closed_reports" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("closed_reports", 163208757248);
-- Create index "closedreport_updated_at" to table: "closed_reports"
CREATE INDEX `closedreport_updated_at` ON `closed_reports` (`updated_at`);
-- Create index "closedreport_year_township_id_close_seq" to table: "closed_reports"
CREATE INDEX `closedreport_year_township_id_close_seq` ON `closed_reports` (`year`, `township_id`, `close_seq`);
-- Create index "closedreport_township_id" to table: "closed_reports"
CREATE INDEX `closedreport_township_id` ON `closed_reports` (`township_id`);
-- Create "year_closes" table
CREATE TABLE `year_closes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `year` integer NOT NULL, `closed` bool NOT NULL DEFAULT (false), `close_count` integer NOT NULL DEFAULT (0), `closed_at` datetime NULL, `closed_by` text NULL);
-- Set sequence for "year_closes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("year_closes", 158913789952);
-- Create index "year_closes_year_key" to table: "year_closes"
CREATE UNIQUE INDEX `year_closes_year_key` ON `year_closes` (`year`);
-- Create index "yearclose_updated_at" to table: "year_closes"
CREATE INDEX `yearclose_updated_at` ON `year_closes` (`updated_at`);
