-- Create "shared_states" table
CREATE TABLE `shared_states` (`id` bigint NOT NULL AUTO_INCREMENT, `name` varchar(190) NOT NULL, `n` bigint NOT NULL DEFAULT 0, `ok` bigint NOT NULL DEFAULT 0, `expires_at` bigint NOT NULL DEFAULT 0, `value` longtext NULL, PRIMARY KEY (`id`), UNIQUE INDEX `name` (`name`)) CHARSET utf8mb4 COLLATE utf8mb4_bin AUTO_INCREMENT 141733920768;
