CREATE TABLE `recommendation_cache` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`strategy` text NOT NULL,
	`items` text NOT NULL,
	`profile` text NOT NULL,
	`content_weight_pct` integer NOT NULL,
	`computed_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `recommendation_queue` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`enqueued_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `recommendation_queue_enqueued_idx` ON `recommendation_queue` (`enqueued_at`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`rating` integer NOT NULL,
	`title` text,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`verified_purchase` integer DEFAULT false NOT NULL,
	`moderation_note` text,
	`moderated_by` text,
	`moderated_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`spirit_id`) REFERENCES `spirits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "reviews_rating_range" CHECK("reviews"."rating" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_spirit_customer_uq` ON `reviews` (`spirit_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `reviews_spirit_status_idx` ON `reviews` (`spirit_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_status_idx` ON `reviews` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_customer_idx` ON `reviews` (`customer_id`);--> statement-breakpoint
CREATE TABLE `interactions` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`spirit_id` text,
	`source` text NOT NULL,
	`value` real,
	`detail` text,
	`dedupe_key` text,
	`occurred_at` text NOT NULL,
	`recorded_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `interactions_id_uq` ON `interactions` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `interactions_dedupe_uq` ON `interactions` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `interactions_customer_idx` ON `interactions` (`customer_id`,`seq`);--> statement-breakpoint
CREATE INDEX `interactions_kind_idx` ON `interactions` (`kind`,`spirit_id`);--> statement-breakpoint
CREATE TABLE `signal_sync_state` (
	`name` text PRIMARY KEY NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL
);
