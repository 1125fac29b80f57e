CREATE TABLE `notification_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`notification_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`local_day` text NOT NULL,
	`send_after` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`last_error` text,
	`message_id` text,
	`sent_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_emails_notification_uq` ON `notification_emails` (`notification_id`);--> statement-breakpoint
CREATE INDEX `notification_emails_due_idx` ON `notification_emails` (`status`,`send_after`);--> statement-breakpoint
CREATE INDEX `notification_emails_day_idx` ON `notification_emails` (`customer_id`,`local_day`,`kind`);--> statement-breakpoint
CREATE TABLE `notification_settings` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`email_enabled` integer DEFAULT false NOT NULL,
	`topics` text NOT NULL,
	`quiet_start` text,
	`quiet_end` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`daily_email_limit` integer DEFAULT 5 NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`topic` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`link` text,
	`subject_id` text,
	`source_event_id` text NOT NULL,
	`created_at` text NOT NULL,
	`read_at` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_event_uq` ON `notifications` (`customer_id`,`source_event_id`);--> statement-breakpoint
CREATE INDEX `notifications_inbox_idx` ON `notifications` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`customer_id`,`created_at`,`id`) WHERE read_at IS NULL;