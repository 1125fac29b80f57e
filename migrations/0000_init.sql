CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text,
	`role` text NOT NULL,
	`external_subject` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_uq` ON `accounts` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_external_uq` ON `accounts` (`external_subject`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`date_of_birth` text,
	`country` text,
	`region` text,
	`preferences` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`account_id` text NOT NULL,
	`family_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`rotated_at` text,
	`revoked_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refresh_tokens_hash_uq` ON `refresh_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_family_idx` ON `refresh_tokens` (`family_id`);--> statement-breakpoint
CREATE TABLE `wishlist_items` (
	`customer_id` text NOT NULL,
	`spirit_id` text NOT NULL,
	`added_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`spirit_id`) REFERENCES `spirits`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wishlist_items_pk` ON `wishlist_items` (`customer_id`,`spirit_id`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`batch_number` text NOT NULL,
	`cask_numbers` text NOT NULL,
	`bottling_date` text,
	`bottle_count` integer,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`spirit_id`) REFERENCES `spirits`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_spirit_number_uq` ON `batches` (`spirit_id`,`batch_number`);--> statement-breakpoint
CREATE TABLE `spirits` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`brand` text NOT NULL,
	`distillery` text NOT NULL,
	`type` text NOT NULL,
	`country` text NOT NULL,
	`region` text,
	`vintage` integer,
	`age_years` integer,
	`abv` real NOT NULL,
	`cask_type` text,
	`bottle_size_ml` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tasting_notes` text NOT NULL,
	`flavour_profile` text NOT NULL,
	`awards` text NOT NULL,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`release_date` text,
	`status` text NOT NULL,
	`limited_edition` integer DEFAULT false NOT NULL,
	`total_outturn` integer,
	`tags` text NOT NULL,
	`media` text NOT NULL,
	`attributes` text NOT NULL,
	`max_per_customer` integer,
	`hold_minutes` integer,
	`preorder_allocation` integer,
	`rating_average` real,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "spirits_price_nonneg" CHECK("spirits"."price_minor" >= 0),
	CONSTRAINT "spirits_abv_range" CHECK("spirits"."abv" > 0 AND "spirits"."abv" <= 100)
);
--> statement-breakpoint
CREATE INDEX `spirits_type_idx` ON `spirits` (`type`);--> statement-breakpoint
CREATE INDEX `spirits_country_idx` ON `spirits` (`country`);--> statement-breakpoint
CREATE INDEX `spirits_status_idx` ON `spirits` (`status`);--> statement-breakpoint
CREATE INDEX `spirits_price_idx` ON `spirits` (`currency`,`price_minor`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`detail` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`key` text NOT NULL,
	`scope` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
