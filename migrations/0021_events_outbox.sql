CREATE TABLE `event_consumer_offsets` (
	`consumer` text PRIMARY KEY NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` text,
	`last_error` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`subject` text NOT NULL,
	`occurred_at` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_events_id_unique` ON `outbox_events` (`id`);--> statement-breakpoint
CREATE INDEX `outbox_events_type_idx` ON `outbox_events` (`type`,`seq`);--> statement-breakpoint
CREATE INDEX `outbox_events_subject_idx` ON `outbox_events` (`subject`,`seq`);--> statement-breakpoint
CREATE TABLE `stock_event_marks` (
	`spirit_id` text PRIMARY KEY NOT NULL,
	`changed_at` text NOT NULL,
	`dirty` integer DEFAULT 1 NOT NULL,
	`emitted_version` integer,
	`emitted_available` integer
);
--> statement-breakpoint
CREATE INDEX `stock_event_marks_dirty_idx` ON `stock_event_marks` (`dirty`);