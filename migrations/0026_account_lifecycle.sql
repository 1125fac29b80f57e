CREATE TABLE `account_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`account_id` text NOT NULL,
	`purpose` text NOT NULL,
	`email` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_tokens_hash_uq` ON `account_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `account_tokens_account_idx` ON `account_tokens` (`account_id`,`purpose`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `email_canonical` text GENERATED ALWAYS AS ((CASE WHEN instr(lower(trim(email)), '@') = 0 THEN lower(trim(email)) WHEN substr(lower(trim(email)), instr(lower(trim(email)), '@') + 1) IN ('gmail.com', 'googlemail.com') THEN replace((CASE WHEN instr(substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1), '+') > 1 THEN substr(substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1), 1, instr(substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1), '+') - 1) ELSE substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1) END), '.', '') || '@gmail.com' WHEN substr(lower(trim(email)), instr(lower(trim(email)), '@') + 1) IN ('gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'me.com', 'mac.com', 'fastmail.com', 'fastmail.fm', 'proton.me', 'protonmail.com', 'pm.me') THEN (CASE WHEN instr(substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1), '+') > 1 THEN substr(substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1), 1, instr(substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1), '+') - 1) ELSE substr(lower(trim(email)), 1, instr(lower(trim(email)), '@') - 1) END) || '@' || substr(lower(trim(email)), instr(lower(trim(email)), '@') + 1) ELSE lower(trim(email)) END)) VIRTUAL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `email_verified` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `token_generation` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_canonical_uq` ON `accounts` (`email_canonical`);