CREATE TABLE `releases` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`batch_id` text,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`allocation` integer NOT NULL,
	`per_customer_limit` integer NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`eligibility` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `releases_opens_idx` ON `releases` (`opens_at`,`id`);--> statement-breakpoint
CREATE INDEX `releases_spirit_idx` ON `releases` (`spirit_id`);