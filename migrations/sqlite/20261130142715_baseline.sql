-- Create "api_keys" table
CREATE TABLE `api_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `prefix` text NOT NULL, `secret_hash` text NOT NULL, `expires_at` datetime NULL, `revoked_at` datetime NULL, `last_used_at` datetime NULL, `trusted_documents_only` bool NOT NULL DEFAULT (false), `user_id` integer NOT NULL, CONSTRAINT `api_keys_users_api_keys` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Create index "apikey_updated_at" to table: "api_keys"
CREATE INDEX `apikey_updated_at` ON `api_keys` (`updated_at`);
-- Create index "apikey_prefix" to table: "api_keys"
CREATE UNIQUE INDEX `apikey_prefix` ON `api_keys` (`prefix`);
-- Create index "apikey_user_id" to table: "api_keys"
CREATE INDEX `apikey_user_id` ON `api_keys` (`user_id`);
-- Create "assessments" table
CREATE TABLE `assessments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `indicator` text NOT NULL, `baseline` real NOT NULL, `target` real NOT NULL, `actual` real NULL, `remarks` text NULL, `township_id` integer NULL, `secretary_id` integer NULL, `village_id` integer NOT NULL, CONSTRAINT `assessments_party_members_assessments` FOREIGN KEY (`secretary_id`) REFERENCES `party_members` (`id`) ON DELETE SET NULL, CONSTRAINT `assessments_villages_assessments` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
-- Set sequence for "assessments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("assessments", 4294967296);
-- Create index "assessment_updated_at" to table: "assessments"
CREATE INDEX `assessment_updated_at` ON `assessments` (`updated_at`);
-- Create index "assessment_village_id_year_indicator_secretary_id" to table: "assessments"
CREATE INDEX `assessment_village_id_year_indicator_secretary_id` ON `assessments` (`village_id`, `year`, `indicator`, `secretary_id`);
-- Create index "assessment_township_id" to table: "assessments"
CREATE INDEX `assessment_township_id` ON `assessments` (`township_id`);
-- Create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `user_id` integer NULL, `username` text NOT NULL, `role` text NOT NULL, `action` text NOT NULL, `entity` text NULL, `entity_id` integer NULL, `changed_fields` json NULL, `detail` text NULL, `request_id` text NULL, `client_address` text NULL, `township_id` integer NULL, `village_id` integer NULL);
-- Set sequence for "audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_events", 8589934592);
-- Create index "auditevent_at" to table: "audit_events"
CREATE INDEX `auditevent_at` ON `audit_events` (`at`);
-- Create index "auditevent_entity_entity_id" to table: "audit_events"
CREATE INDEX `auditevent_entity_entity_id` ON `audit_events` (`entity`, `entity_id`);
-- Create index "auditevent_user_id_at" to table: "audit_events"
CREATE INDEX `auditevent_user_id_at` ON `audit_events` (`user_id`, `at`);
-- Create index "auditevent_township_id" to table: "audit_events"
CREATE INDEX `auditevent_township_id` ON `audit_events` (`township_id`);
-- Create "cadres" table
CREATE TABLE `cadres` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `title` text NULL, `phone` text NULL, `phone_sealed` text NULL, `phone_index` text NULL, `department_id` integer NOT NULL, `member_id` integer NULL, CONSTRAINT `cadres_departments_cadres` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `cadres_party_members_cadre` FOREIGN KEY (`member_id`) REFERENCES `party_members` (`id`) ON DELETE SET NULL);
-- Set sequence for "cadres" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("cadres", 12884901888);
-- Create index "cadres_member_id_key" to table: "cadres"
CREATE UNIQUE INDEX `cadres_member_id_key` ON `cadres` (`member_id`);
-- Create index "cadre_updated_at" to table: "cadres"
CREATE INDEX `cadre_updated_at` ON `cadres` (`updated_at`);
-- Create index "cadre_department_id" to table: "cadres"
CREATE INDEX `cadre_department_id` ON `cadres` (`department_id`);
-- Create "casbin_rules" table
CREATE TABLE `casbin_rules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `ptype` text NOT NULL, `v0` text NOT NULL DEFAULT (''), `v1` text NOT NULL DEFAULT (''), `v2` text NOT NULL DEFAULT (''), `v3` text NOT NULL DEFAULT (''), `v4` text NOT NULL DEFAULT (''), `v5` text NOT NULL DEFAULT (''));
-- Set sequence for "casbin_rules" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("casbin_rules", 17179869184);
-- Create index "casbinrule_updated_at" to table: "casbin_rules"
CREATE INDEX `casbinrule_updated_at` ON `casbin_rules` (`updated_at`);
-- Create index "casbinrule_ptype_v0_v1_v2_v3_v4_v5" to table: "casbin_rules"
CREATE UNIQUE INDEX `casbinrule_ptype_v0_v1_v2_v3_v4_v5` ON `casbin_rules` (`ptype`, `v0`, `v1`, `v2`, `v3`, `v4`, `v5`);
-- Create "contributions" table
CREATE TABLE `contributions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `on` date NOT NULL, `description` text NOT NULL, `households_helped` integer NOT NULL DEFAULT (0), `township_id` integer NULL, `village_id` integer NULL, `member_id` integer NOT NULL, `team_id` integer NOT NULL, CONSTRAINT `contributions_party_members_contributions` FOREIGN KEY (`member_id`) REFERENCES `party_members` (`id`) ON DELETE NO ACTION, CONSTRAINT `contributions_teams_contributions` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE NO ACTION);
-- Set sequence for "contributions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contributions", 21474836480);
-- Create index "contribution_updated_at" to table: "contributions"
CREATE INDEX `contribution_updated_at` ON `contributions` (`updated_at`);
-- Create index "contribution_team_id_on" to table: "contributions"
CREATE INDEX `contribution_team_id_on` ON `contributions` (`team_id`, `on`);
-- Create index "contribution_member_id" to table: "contributions"
CREATE INDEX `contribution_member_id` ON `contributions` (`member_id`);
-- Create index "contribution_township_id" to table: "contributions"
CREATE INDEX `contribution_township_id` ON `contributions` (`township_id`);
-- Create index "contribution_village_id" to table: "contributions"
CREATE INDEX `contribution_village_id` ON `contributions` (`village_id`);
-- Create "demands" table
CREATE TABLE `demands` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `category` text NOT NULL, `content` text NOT NULL, `status` text NOT NULL DEFAULT ('REGISTERED'), `due_on` date NULL, `satisfaction` text NULL, `closed_at` datetime NULL, `idempotency_key` text NULL, `created_by` integer NULL, `township_id` integer NULL, `village_id` integer NULL, `department_id` integer NULL, `household_id` integer NOT NULL, `visit_id` integer NULL, CONSTRAINT `demands_departments_demands` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `demands_households_demands` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON DELETE NO ACTION, CONSTRAINT `demands_visits_demands` FOREIGN KEY (`visit_id`) REFERENCES `visits` (`id`) ON DELETE SET NULL);
-- Set sequence for "demands" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("demands", 25769803776);
-- Create index "demand_updated_at" to table: "demands"
CREATE INDEX `demand_updated_at` ON `demands` (`updated_at`);
-- Create index "demand_household_id" to table: "demands"
CREATE INDEX `demand_household_id` ON `demands` (`household_id`);
-- Create index "demand_township_id_status" to table: "demands"
CREATE INDEX `demand_township_id_status` ON `demands` (`township_id`, `status`);
-- Create index "demand_village_id_status" to table: "demands"
CREATE INDEX `demand_village_id_status` ON `demands` (`village_id`, `status`);
-- Create index "demand_department_id_status" to table: "demands"
CREATE INDEX `demand_department_id_status` ON `demands` (`department_id`, `status`);
-- Create index "demand_created_by_idempotency_key_delete_token" to table: "demands"
CREATE UNIQUE INDEX `demand_created_by_idempotency_key_delete_token` ON `demands` (`created_by`, `idempotency_key`, `delete_token`);
-- Create "demand_events" table
CREATE TABLE `demand_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `from_status` text NULL, `to_status` text NOT NULL, `note` text NULL, `department_id` integer NULL, `actor_id` integer NULL, `actor_name` text NULL, `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NULL, `demand_id` integer NOT NULL, CONSTRAINT `demand_events_demands_events` FOREIGN KEY (`demand_id`) REFERENCES `demands` (`id`) ON DELETE NO ACTION);
-- Set sequence for "demand_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("demand_events", 30064771072);
-- Create index "demandevent_updated_at" to table: "demand_events"
CREATE INDEX `demandevent_updated_at` ON `demand_events` (`updated_at`);
-- Create index "demandevent_demand_id" to table: "demand_events"
CREATE INDEX `demandevent_demand_id` ON `demand_events` (`demand_id`);
-- Create index "demandevent_township_id" to table: "demand_events"
CREATE INDEX `demandevent_township_id` ON `demand_events` (`township_id`);
-- Create index "demandevent_village_id" to table: "demand_events"
CREATE INDEX `demandevent_village_id` ON `demand_events` (`village_id`);
-- Create index "demandevent_household_id" to table: "demand_events"
CREATE INDEX `demandevent_household_id` ON `demand_events` (`household_id`);
-- Create "demo_projects" table
CREATE TABLE `demo_projects` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `name` text NOT NULL, `subject_kind` text NOT NULL, `subject_name` text NOT NULL, `industry` text NOT NULL, `goal` text NOT NULL, `deadline` date NOT NULL, `stage` text NOT NULL DEFAULT ('RESEARCH'), `stage_due_on` date NULL, `township_id` integer NOT NULL, `village_id` integer NULL, CONSTRAINT `demo_projects_townships_demo_projects` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE NO ACTION, CONSTRAINT `demo_projects_villages_demo_projects` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "demo_projects" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("demo_projects", 34359738368);
-- Create index "demoproject_updated_at" to table: "demo_projects"
CREATE INDEX `demoproject_updated_at` ON `demo_projects` (`updated_at`);
-- Create index "demoproject_township_id_year" to table: "demo_projects"
CREATE INDEX `demoproject_township_id_year` ON `demo_projects` (`township_id`, `year`);
-- Create index "demoproject_village_id" to table: "demo_projects"
CREATE INDEX `demoproject_village_id` ON `demo_projects` (`village_id`);
-- Create index "demoproject_stage" to table: "demo_projects"
CREATE INDEX `demoproject_stage` ON `demo_projects` (`stage`);
-- Create "demo_project_stages" table
CREATE TABLE `demo_project_stages` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `stage` text NOT NULL, `result` text NOT NULL, `remarks` text NULL, `due_on` date NULL, `actor_id` integer NULL, `actor_name` text NULL, `township_id` integer NULL, `village_id` integer NULL, `project_id` integer NOT NULL, CONSTRAINT `demo_project_stages_demo_projects_stages` FOREIGN KEY (`project_id`) REFERENCES `demo_projects` (`id`) ON DELETE NO ACTION);
-- Set sequence for "demo_project_stages" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("demo_project_stages", 38654705664);
-- Create index "demoprojectstage_updated_at" to table: "demo_project_stages"
CREATE INDEX `demoprojectstage_updated_at` ON `demo_project_stages` (`updated_at`);
-- Create index "demoprojectstage_project_id" to table: "demo_project_stages"
CREATE INDEX `demoprojectstage_project_id` ON `demo_project_stages` (`project_id`);
-- Create index "demoprojectstage_township_id" to table: "demo_project_stages"
CREATE INDEX `demoprojectstage_township_id` ON `demo_project_stages` (`township_id`);
-- Create "departments" table
CREATE TABLE `departments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `code` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL);
-- Set sequence for "departments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("departments", 42949672960);
-- Create index "department_updated_at" to table: "departments"
CREATE INDEX `department_updated_at` ON `departments` (`updated_at`);
-- Create index "department_code_delete_token" to table: "departments"
CREATE UNIQUE INDEX `department_code_delete_token` ON `departments` (`code`, `delete_token`);
-- Create "department_village_links" table
CREATE TABLE `department_village_links` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `township_id` integer NULL, `department_id` integer NOT NULL, `village_id` integer NOT NULL, CONSTRAINT `department_village_links_departments_village_links` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `department_village_links_villages_department_links` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
-- Set sequence for "department_village_links" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("department_village_links", 47244640256);
-- Create index "departmentvillagelink_updated_at" to table: "department_village_links"
CREATE INDEX `departmentvillagelink_updated_at` ON `department_village_links` (`updated_at`);
-- Create index "departmentvillagelink_department_id_village_id_year_delete_token" to table: "department_village_links"
CREATE UNIQUE INDEX `departmentvillagelink_department_id_village_id_year_delete_token` ON `department_village_links` (`department_id`, `village_id`, `year`, `delete_token`);
-- Create index "departmentvillagelink_village_id_year" to table: "department_village_links"
CREATE INDEX `departmentvillagelink_village_id_year` ON `department_village_links` (`village_id`, `year`);
-- Create index "departmentvillagelink_township_id" to table: "department_village_links"
CREATE INDEX `departmentvillagelink_township_id` ON `department_village_links` (`township_id`);
-- Create "districts" table
CREATE TABLE `districts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `code` text NOT NULL, `name` text NOT NULL);
-- Set sequence for "districts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("districts", 51539607552);
-- Create index "district_updated_at" to table: "districts"
CREATE INDEX `district_updated_at` ON `districts` (`updated_at`);
-- Create index "district_code_delete_token" to table: "districts"
CREATE UNIQUE INDEX `district_code_delete_token` ON `districts` (`code`, `delete_token`);
-- Create "households" table
CREATE TABLE `households` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `number` text NOT NULL, `head_name` text NOT NULL, `address` text NULL, `category` text NOT NULL DEFAULT ('ORDINARY'), `poverty_status` text NOT NULL DEFAULT ('NOT_POOR'), `causes` json NULL, `identified_year` integer NULL, `exit_year` integer NULL, `needy` bool NOT NULL DEFAULT (false), `income_per_capita` real NULL, `township_id` integer NULL, `village_id` integer NOT NULL, CONSTRAINT `households_villages_households` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
-- Set sequence for "households" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("households", 55834574848);
-- Create index "household_updated_at" to table: "households"
CREATE INDEX `household_updated_at` ON `households` (`updated_at`);
-- Create index "household_village_id_number_delete_token" to table: "households"
CREATE UNIQUE INDEX `household_village_id_number_delete_token` ON `households` (`village_id`, `number`, `delete_token`);
-- Create index "household_township_id" to table: "households"
CREATE INDEX `household_township_id` ON `households` (`township_id`);
-- Create index "household_village_id_needy" to table: "households"
CREATE INDEX `household_village_id_needy` ON `households` (`village_id`, `needy`);
-- Create "pairings" table
CREATE TABLE `pairings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `start_on` date NOT NULL, `end_on` date NULL, `active` bool NOT NULL DEFAULT (true), `release_reason` text NULL, `township_id` integer NULL, `village_id` integer NULL, `department_id` integer NULL, `cadre_id` integer NOT NULL, `household_id` integer NOT NULL, CONSTRAINT `pairings_cadres_pairings` FOREIGN KEY (`cadre_id`) REFERENCES `cadres` (`id`) ON DELETE NO ACTION, CONSTRAINT `pairings_households_pairings` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON DELETE NO ACTION);
-- Set sequence for "pairings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("pairings", 60129542144);
-- Create index "pairing_updated_at" to table: "pairings"
CREATE INDEX `pairing_updated_at` ON `pairings` (`updated_at`);
-- Create index "pairing_cadre_id_active" to table: "pairings"
CREATE INDEX `pairing_cadre_id_active` ON `pairings` (`cadre_id`, `active`);
-- Create index "pairing_household_id_active" to table: "pairings"
CREATE INDEX `pairing_household_id_active` ON `pairings` (`household_id`, `active`);
-- Create index "pairing_township_id" to table: "pairings"
CREATE INDEX `pairing_township_id` ON `pairings` (`township_id`);
-- Create index "pairing_village_id" to table: "pairings"
CREATE INDEX `pairing_village_id` ON `pairings` (`village_id`);
-- Create index "pairing_department_id" to table: "pairings"
CREATE INDEX `pairing_department_id` ON `pairings` (`department_id`);
-- Create "party_members" table
CREATE TABLE `party_members` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `gender` text NOT NULL, `birth_date` date NOT NULL, `birth_year` integer NOT NULL, `id_number` text NOT NULL, `id_number_sealed` text NOT NULL, `id_number_index` text NOT NULL, `phone` text NULL, `phone_sealed` text NULL, `phone_index` text NULL, `education` text NOT NULL, `occupation` text NOT NULL, `specialties` json NULL, `joined_on` date NOT NULL, `membership` text NOT NULL DEFAULT ('FULL'), `category` text NOT NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `location` text NULL, `township_id` integer NULL, `organization_id` integer NOT NULL, `village_id` integer NOT NULL, CONSTRAINT `party_members_party_organizations_members` FOREIGN KEY (`organization_id`) REFERENCES `party_organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `party_members_villages_party_members` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
-- Set sequence for "party_members" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("party_members", 64424509440);
-- Create index "partymember_updated_at" to table: "party_members"
CREATE INDEX `partymember_updated_at` ON `party_members` (`updated_at`);
-- Create index "partymember_id_number_index_delete_token" to table: "party_members"
CREATE UNIQUE INDEX `partymember_id_number_index_delete_token` ON `party_members` (`id_number_index`, `delete_token`);
-- Create index "partymember_township_id" to table: "party_members"
CREATE INDEX `partymember_township_id` ON `party_members` (`township_id`);
-- Create index "partymember_village_id_name" to table: "party_members"
CREATE INDEX `partymember_village_id_name` ON `party_members` (`village_id`, `name`);
-- Create index "partymember_organization_id" to table: "party_members"
CREATE INDEX `partymember_organization_id` ON `party_members` (`organization_id`);
-- Create "party_organizations" table
CREATE TABLE `party_organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `kind` text NOT NULL, `department_id` integer NULL, `township_id` integer NULL, `village_id` integer NULL, CONSTRAINT `party_organizations_departments_party_organizations` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `party_organizations_townships_party_organizations` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE SET NULL, CONSTRAINT `party_organizations_villages_party_organizations` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "party_organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("party_organizations", 68719476736);
-- Create index "partyorganization_updated_at" to table: "party_organizations"
CREATE INDEX `partyorganization_updated_at` ON `party_organizations` (`updated_at`);
-- Create index "partyorganization_township_id" to table: "party_organizations"
CREATE INDEX `partyorganization_township_id` ON `party_organizations` (`township_id`);
-- Create index "partyorganization_village_id" to table: "party_organizations"
CREATE INDEX `partyorganization_village_id` ON `party_organizations` (`village_id`);
-- Create index "partyorganization_department_id" to table: "party_organizations"
CREATE INDEX `partyorganization_department_id` ON `party_organizations` (`department_id`);
-- Create "posts" table
CREATE TABLE `posts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `title` text NOT NULL, `start_on` date NOT NULL, `end_on` date NULL, `township_id` integer NULL, `village_id` integer NULL, `member_id` integer NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `posts_party_members_posts` FOREIGN KEY (`member_id`) REFERENCES `party_members` (`id`) ON DELETE NO ACTION, CONSTRAINT `posts_party_organizations_posts` FOREIGN KEY (`organization_id`) REFERENCES `party_organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "posts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("posts", 73014444032);
-- Create index "post_updated_at" to table: "posts"
CREATE INDEX `post_updated_at` ON `posts` (`updated_at`);
-- Create index "post_member_id" to table: "posts"
CREATE INDEX `post_member_id` ON `posts` (`member_id`);
-- Create index "post_organization_id_title" to table: "posts"
CREATE INDEX `post_organization_id_title` ON `posts` (`organization_id`, `title`);
-- Create index "post_township_id" to table: "posts"
CREATE INDEX `post_township_id` ON `posts` (`township_id`);
-- Create index "post_village_id" to table: "posts"
CREATE INDEX `post_village_id` ON `posts` (`village_id`);
-- Create "rectifications" table
CREATE TABLE `rectifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `kind` text NOT NULL, `measures` text NOT NULL, `progress` integer NOT NULL DEFAULT (0), `status` text NOT NULL DEFAULT ('PLANNED'), `acceptance_score` integer NULL, `due_on` date NULL, `township_id` integer NULL, `department_id` integer NULL, `village_id` integer NOT NULL, CONSTRAINT `rectifications_departments_rectifications` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `rectifications_villages_rectifications` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
-- Set sequence for "rectifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("rectifications", 77309411328);
-- Create index "rectification_updated_at" to table: "rectifications"
CREATE INDEX `rectification_updated_at` ON `rectifications` (`updated_at`);
-- Create index "rectification_village_id_year" to table: "rectifications"
CREATE INDEX `rectification_village_id_year` ON `rectifications` (`village_id`, `year`);
-- Create index "rectification_township_id" to table: "rectifications"
CREATE INDEX `rectification_township_id` ON `rectifications` (`township_id`);
-- Create index "rectification_department_id" to table: "rectifications"
CREATE INDEX `rectification_department_id` ON `rectifications` (`department_id`);
-- Create "residents" table
CREATE TABLE `residents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `relation` text NOT NULL, `gender` text NOT NULL, `birth_date` date NOT NULL, `birth_year` integer NOT NULL, `id_number` text NOT NULL, `id_number_sealed` text NOT NULL, `id_number_index` text NOT NULL, `phone` text NULL, `phone_sealed` text NULL, `phone_index` text NULL, `health` text NOT NULL DEFAULT ('HEALTHY'), `labor_skill` text NOT NULL DEFAULT ('GENERAL'), `education` text NULL, `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NOT NULL, CONSTRAINT `residents_households_residents` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON DELETE NO ACTION);
-- Set sequence for "residents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("residents", 81604378624);
-- Create index "resident_updated_at" to table: "residents"
CREATE INDEX `resident_updated_at` ON `residents` (`updated_at`);
-- Create index "resident_id_number_index_delete_token" to table: "residents"
CREATE UNIQUE INDEX `resident_id_number_index_delete_token` ON `residents` (`id_number_index`, `delete_token`);
-- Create index "resident_household_id" to table: "residents"
CREATE INDEX `resident_household_id` ON `residents` (`household_id`);
-- Create index "resident_township_id" to table: "residents"
CREATE INDEX `resident_township_id` ON `residents` (`township_id`);
-- Create index "resident_village_id" to table: "residents"
CREATE INDEX `resident_village_id` ON `residents` (`village_id`);
-- Create "role_bindings" table
CREATE TABLE `role_bindings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `role` text NOT NULL, `valid_from` date NOT NULL, `valid_to` date NULL, `township_id` integer NULL, `village_id` integer NULL, `department_id` integer NULL, `cadre_id` integer NULL, `user_id` integer NOT NULL, CONSTRAINT `role_bindings_townships_township` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE SET NULL, CONSTRAINT `role_bindings_villages_village` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL, CONSTRAINT `role_bindings_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `role_bindings_cadres_cadre` FOREIGN KEY (`cadre_id`) REFERENCES `cadres` (`id`) ON DELETE SET NULL, CONSTRAINT `role_bindings_users_role_bindings` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Set sequence for "role_bindings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("role_bindings", 85899345920);
-- Create index "rolebinding_updated_at" to table: "role_bindings"
CREATE INDEX `rolebinding_updated_at` ON `role_bindings` (`updated_at`);
-- Create index "rolebinding_user_id" to table: "role_bindings"
CREATE INDEX `rolebinding_user_id` ON `role_bindings` (`user_id`);
-- Create index "rolebinding_township_id" to table: "role_bindings"
CREATE INDEX `rolebinding_township_id` ON `role_bindings` (`township_id`);
-- Create index "rolebinding_department_id" to table: "role_bindings"
CREATE INDEX `rolebinding_department_id` ON `role_bindings` (`department_id`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `token_id` text NOT NULL, `expires_at` datetime NOT NULL, `revoked_at` datetime NULL, `client_address` text NULL, `user_id` integer NOT NULL, CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- Set sequence for "sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sessions", 90194313216);
-- Create index "session_updated_at" to table: "sessions"
CREATE INDEX `session_updated_at` ON `sessions` (`updated_at`);
-- Create index "session_token_id" to table: "sessions"
CREATE UNIQUE INDEX `session_token_id` ON `sessions` (`token_id`);
-- Create index "session_user_id" to table: "sessions"
CREATE INDEX `session_user_id` ON `sessions` (`user_id`);
-- Create "settings" table
CREATE TABLE `settings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `key` text NOT NULL, `value` text NOT NULL);
-- Set sequence for "settings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("settings", 94489280512);
-- Create index "settings_key_key" to table: "settings"
CREATE UNIQUE INDEX `settings_key_key` ON `settings` (`key`);
-- Create index "setting_updated_at" to table: "settings"
CREATE INDEX `setting_updated_at` ON `settings` (`updated_at`);
-- Create "teams" table
CREATE TABLE `teams` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `kind` text NOT NULL, `task` text NULL, `leader_id` integer NULL, `township_id` integer NOT NULL, `village_id` integer NULL, CONSTRAINT `teams_party_members_leader` FOREIGN KEY (`leader_id`) REFERENCES `party_members` (`id`) ON DELETE SET NULL, CONSTRAINT `teams_townships_teams` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE NO ACTION, CONSTRAINT `teams_villages_teams` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "teams" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("teams", 98784247808);
-- Create index "team_updated_at" to table: "teams"
CREATE INDEX `team_updated_at` ON `teams` (`updated_at`);
-- Create index "team_township_id" to table: "teams"
CREATE INDEX `team_township_id` ON `teams` (`township_id`);
-- Create index "team_village_id" to table: "teams"
CREATE INDEX `team_village_id` ON `teams` (`village_id`);
-- Create "team_memberships" table
CREATE TABLE `team_memberships` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `post` text NOT NULL DEFAULT ('MEMBER'), `joined_on` date NOT NULL, `township_id` integer NULL, `village_id` integer NULL, `member_id` integer NOT NULL, `team_id` integer NOT NULL, CONSTRAINT `team_memberships_party_members_team_memberships` FOREIGN KEY (`member_id`) REFERENCES `party_members` (`id`) ON DELETE NO ACTION, CONSTRAINT `team_memberships_teams_memberships` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE NO ACTION);
-- Set sequence for "team_memberships" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("team_memberships", 103079215104);
-- Create index "teammembership_updated_at" to table: "team_memberships"
CREATE INDEX `teammembership_updated_at` ON `team_memberships` (`updated_at`);
-- Create index "teammembership_team_id_member_id_delete_token" to table: "team_memberships"
CREATE UNIQUE INDEX `teammembership_team_id_member_id_delete_token` ON `team_memberships` (`team_id`, `member_id`, `delete_token`);
-- Create index "teammembership_member_id" to table: "team_memberships"
CREATE INDEX `teammembership_member_id` ON `team_memberships` (`member_id`);
-- Create index "teammembership_township_id" to table: "team_memberships"
CREATE INDEX `teammembership_township_id` ON `team_memberships` (`township_id`);
-- Create index "teammembership_village_id" to table: "team_memberships"
CREATE INDEX `teammembership_village_id` ON `team_memberships` (`village_id`);
-- Create "townships" table
CREATE TABLE `townships` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `code` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL DEFAULT ('TOWN'), `district_id` integer NOT NULL, CONSTRAINT `townships_districts_townships` FOREIGN KEY (`district_id`) REFERENCES `districts` (`id`) ON DELETE NO ACTION);
-- Set sequence for "townships" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("townships", 107374182400);
-- Create index "township_updated_at" to table: "townships"
CREATE INDEX `township_updated_at` ON `townships` (`updated_at`);
-- Create index "township_code_delete_token" to table: "townships"
CREATE UNIQUE INDEX `township_code_delete_token` ON `townships` (`code`, `delete_token`);
-- Create "training_courses" table
CREATE TABLE `training_courses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `kind` text NOT NULL, `year` integer NOT NULL, `hours` real NOT NULL, `start_on` date NOT NULL, `end_on` date NOT NULL, `location` text NULL, `topic` text NULL);
-- Set sequence for "training_courses" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("training_courses", 111669149696);
-- Create index "trainingcourse_updated_at" to table: "training_courses"
CREATE INDEX `trainingcourse_updated_at` ON `training_courses` (`updated_at`);
-- Create index "trainingcourse_year_kind" to table: "training_courses"
CREATE INDEX `trainingcourse_year_kind` ON `training_courses` (`year`, `kind`);
-- Create "training_enrollments" table
CREATE TABLE `training_enrollments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `attendance` text NOT NULL DEFAULT ('ENROLLED'), `hours_attended` real NOT NULL DEFAULT (0), `grade` text NULL, `township_id` integer NULL, `village_id` integer NULL, `secretary_id` integer NOT NULL, `course_id` integer NOT NULL, CONSTRAINT `training_enrollments_party_members_enrollments` FOREIGN KEY (`secretary_id`) REFERENCES `party_members` (`id`) ON DELETE NO ACTION, CONSTRAINT `training_enrollments_training_courses_enrollments` FOREIGN KEY (`course_id`) REFERENCES `training_courses` (`id`) ON DELETE NO ACTION);
-- Set sequence for "training_enrollments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("training_enrollments", 115964116992);
-- Create index "trainingenrollment_updated_at" to table: "training_enrollments"
CREATE INDEX `trainingenrollment_updated_at` ON `training_enrollments` (`updated_at`);
-- Create index "trainingenrollment_course_id_secretary_id_delete_token" to table: "training_enrollments"
CREATE UNIQUE INDEX `trainingenrollment_course_id_secretary_id_delete_token` ON `training_enrollments` (`course_id`, `secretary_id`, `delete_token`);
-- Create index "trainingenrollment_secretary_id" to table: "training_enrollments"
CREATE INDEX `trainingenrollment_secretary_id` ON `training_enrollments` (`secretary_id`);
-- Create index "trainingenrollment_township_id" to table: "training_enrollments"
CREATE INDEX `trainingenrollment_township_id` ON `training_enrollments` (`township_id`);
-- Create index "trainingenrollment_village_id" to table: "training_enrollments"
CREATE INDEX `trainingenrollment_village_id` ON `training_enrollments` (`village_id`);
-- Create "trusted_documents" table
CREATE TABLE `trusted_documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `hash` text NOT NULL, `document` text NOT NULL);
-- Set sequence for "trusted_documents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("trusted_documents", 137438953472);
-- Create index "trusteddocument_updated_at" to table: "trusted_documents"
CREATE INDEX `trusteddocument_updated_at` ON `trusted_documents` (`updated_at`);
-- Create index "trusteddocument_hash_delete_token" to table: "trusted_documents"
CREATE UNIQUE INDEX `trusteddocument_hash_delete_token` ON `trusted_documents` (`hash`, `delete_token`);
-- Create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `username` text NOT NULL, `display_name` text NULL, `password_hash` text NOT NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `last_login_at` datetime NULL, `password_changed_at` datetime NULL);
-- Set sequence for "users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("users", 120259084288);
-- Create index "user_updated_at" to table: "users"
CREATE INDEX `user_updated_at` ON `users` (`updated_at`);
-- Create index "user_username_delete_token" to table: "users"
CREATE UNIQUE INDEX `user_username_delete_token` ON `users` (`username`, `delete_token`);
-- Create "villages" table
CREATE TABLE `villages` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `code` text NOT NULL, `name` text NOT NULL, `poor_village` bool NOT NULL DEFAULT (false), `weak_organization` bool NOT NULL DEFAULT (false), `township_id` integer NOT NULL, CONSTRAINT `villages_townships_villages` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE NO ACTION);
-- Set sequence for "villages" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("villages", 124554051584);
-- Create index "village_updated_at" to table: "villages"
CREATE INDEX `village_updated_at` ON `villages` (`updated_at`);
-- Create index "village_code_delete_token" to table: "villages"
CREATE UNIQUE INDEX `village_code_delete_token` ON `villages` (`code`, `delete_token`);
-- Create "visits" table
CREATE TABLE `visits` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `visited_at` datetime NOT NULL, `occasion` text NOT NULL DEFAULT ('ROUTINE'), `mode` text NOT NULL DEFAULT ('HOME_VISIT'), `notes` text NULL, `heard` text NULL, `idempotency_key` text NULL, `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NULL, `cadre_id` integer NULL, `department_id` integer NULL, `pairing_id` integer NOT NULL, CONSTRAINT `visits_pairings_visits` FOREIGN KEY (`pairing_id`) REFERENCES `pairings` (`id`) ON DELETE NO ACTION);
-- Set sequence for "visits" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("visits", 128849018880);
-- Create index "visit_updated_at" to table: "visits"
CREATE INDEX `visit_updated_at` ON `visits` (`updated_at`);
-- Create index "visit_pairing_id_visited_at" to table: "visits"
CREATE INDEX `visit_pairing_id_visited_at` ON `visits` (`pairing_id`, `visited_at`);
-- Create index "visit_cadre_id_visited_at" to table: "visits"
CREATE INDEX `visit_cadre_id_visited_at` ON `visits` (`cadre_id`, `visited_at`);
-- Create index "visit_township_id" to table: "visits"
CREATE INDEX `visit_township_id` ON `visits` (`township_id`);
-- Create index "visit_village_id" to table: "visits"
CREATE INDEX `visit_village_id` ON `visits` (`village_id`);
-- Create index "visit_department_id" to table: "visits"
CREATE INDEX `visit_department_id` ON `visits` (`department_id`);
-- Create index "visit_household_id" to table: "visits"
CREATE INDEX `visit_household_id` ON `visits` (`household_id`);
-- Create index "visit_cadre_id_idempotency_key_delete_token" to table: "visits"
CREATE UNIQUE INDEX `visit_cadre_id_idempotency_key_delete_token` ON `visits` (`cadre_id`, `idempotency_key`, `delete_token`);
