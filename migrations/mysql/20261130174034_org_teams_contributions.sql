-- destructive: teams.township_id becomes NULL-able (district-wide teams have none): a widening, no value changes
-- Modify "contributions" table
ALTER TABLE `contributions` ADD COLUMN `type` enum('LEAD_ENTERPRISE','NEW_TECHNOLOGY','E_COMMERCE','POST_SERVICE','VOLUNTEER','DONATION') NOT NULL DEFAULT 'POST_SERVICE', ADD COLUMN `amount_fen` bigint NULL, ADD COLUMN `household_id` bigint NULL, ADD INDEX `contribution_household_id` (`household_id`), ADD CONSTRAINT `contributions_households_household` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON UPDATE RESTRICT ON DELETE SET NULL;
-- Modify "teams" table
ALTER TABLE `teams` DROP FOREIGN KEY `teams_townships_teams`;
-- Modify "teams" table
ALTER TABLE `teams` MODIFY COLUMN `township_id` bigint NULL, ADD CONSTRAINT `teams_townships_teams` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON UPDATE RESTRICT ON DELETE SET NULL;

-- Team posts and contributions are seen where their member is, whatever the team's township
-- (teams reach across the district): rewrite their scope columns from the member's.
UPDATE `team_memberships` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `team_memberships`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `team_memberships`.`member_id`);
UPDATE `contributions` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `contributions`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `contributions`.`member_id`);
