CREATE TABLE `compliance_age_limits` (
	`code` text PRIMARY KEY NOT NULL,
	`minimum_age` integer NOT NULL,
	`note` text,
	`updated_at` text NOT NULL,
	`updated_by` text,
	CONSTRAINT "compliance_age_limits_range" CHECK("compliance_age_limits"."minimum_age" >= 0 AND "compliance_age_limits"."minimum_age" <= 99)
);
--> statement-breakpoint
CREATE TABLE `compliance_blocked_destinations` (
	`code` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `locations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`country` text NOT NULL,
	`region` text,
	`ships_to` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `locations_name_idx` ON `locations` (`name`,`id`);--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `headers` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `completed_at` text;--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);