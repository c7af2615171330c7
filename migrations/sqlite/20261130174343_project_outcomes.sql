-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_demo_projects" table
CREATE TABLE `new_demo_projects` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `name` text NOT NULL, `subject_kind` text NOT NULL, `subject_name` text NOT NULL, `industry` text NOT NULL, `goal` text NOT NULL, `deadline` date NOT NULL, `stage` text NOT NULL DEFAULT ('RESEARCH'), `stage_due_on` date NULL, `households_driven` integer NOT NULL DEFAULT (0), `persons_driven` integer NOT NULL DEFAULT (0), `needy_households_driven` integer NOT NULL DEFAULT (0), `income_gain_per_household` integer NULL, `new_collective_income` integer NULL, `jobs_created` integer NOT NULL DEFAULT (0), `township_id` integer NOT NULL, `village_id` integer NULL, CONSTRAINT `demo_projects_townships_demo_projects` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE NO ACTION, CONSTRAINT `demo_projects_villages_demo_projects` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_demo_projects" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_demo_projects", 34359738368);
-- Copy rows from old table "demo_projects" to new temporary table "new_demo_projects"
INSERT INTO `new_demo_projects` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `year`, `name`, `subject_kind`, `subject_name`, `industry`, `goal`, `deadline`, `stage`, `stage_due_on`, `township_id`, `village_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `year`, `name`, `subject_kind`, `subject_name`, `industry`, `goal`, `deadline`, `stage`, `stage_due_on`, `township_id`, `village_id` FROM `demo_projects`;
-- Drop "demo_projects" table after copying rows
DROP TABLE `demo_projects`;
-- Rename temporary table "new_demo_projects" to "demo_projects"
ALTER TABLE `new_demo_projects` RENAME TO `demo_projects`;
-- Create index "demoproject_updated_at" to table: "demo_projects"
CREATE INDEX `demoproject_updated_at` ON `demo_projects` (`updated_at`);
-- Create index "demoproject_township_id_year" to table: "demo_projects"
CREATE INDEX `demoproject_township_id_year` ON `demo_projects` (`township_id`, `year`);
-- Create index "demoproject_village_id" to table: "demo_projects"
CREATE INDEX `demoproject_village_id` ON `demo_projects` (`village_id`);
-- Create index "demoproject_stage" to table: "demo_projects"
CREATE INDEX `demoproject_stage` ON `demo_projects` (`stage`);
-- Add column "findings" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `findings` text NULL;
-- Add column "evaluation_score" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `evaluation_score` integer NULL;
-- Add column "evaluation_conclusion" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `evaluation_conclusion` text NULL;
-- Add column "approval_number" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `approval_number` text NULL;
-- Add column "approved_budget" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `approved_budget` integer NULL;
-- Add column "progress_percent" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `progress_percent` integer NULL;
-- Add column "spent_to_date" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `spent_to_date` integer NULL;
-- Add column "milestones" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `milestones` json NULL;
-- Add column "review_grade" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `review_grade` text NULL;
-- Add column "review_remarks" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `review_remarks` text NULL;
-- Add column "final_investment" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `final_investment` integer NULL;
-- Add column "final_households_driven" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `final_households_driven` integer NULL;
-- Add column "acceptance_date" to table: "demo_project_stages"
ALTER TABLE `demo_project_stages` ADD COLUMN `acceptance_date` date NULL;
-- Create "project_investments" table
CREATE TABLE `project_investments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `source` text NOT NULL, `planned` integer NOT NULL DEFAULT (0), `actual` integer NOT NULL DEFAULT (0), `township_id` integer NULL, `village_id` integer NULL, `project_id` integer NOT NULL, CONSTRAINT `project_investments_demo_projects_investments` FOREIGN KEY (`project_id`) REFERENCES `demo_projects` (`id`) ON DELETE NO ACTION);
-- Set sequence for "project_investments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("project_investments", 154618822656);
-- Create index "projectinvestment_updated_at" to table: "project_investments"
CREATE INDEX `projectinvestment_updated_at` ON `project_investments` (`updated_at`);
-- Create index "projectinvestment_project_id_source_delete_token" to table: "project_investments"
CREATE UNIQUE INDEX `projectinvestment_project_id_source_delete_token` ON `project_investments` (`project_id`, `source`, `delete_token`);
-- Create index "projectinvestment_township_id_source" to table: "project_investments"
CREATE INDEX `projectinvestment_township_id_source` ON `project_investments` (`township_id`, `source`);
-- Create index "projectinvestment_village_id" to table: "project_investments"
CREATE INDEX `projectinvestment_village_id` ON `project_investments` (`village_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
