CREATE TABLE `poll_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`poll_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`choices` text NOT NULL,
	`scale` integer,
	`text` text,
	`text_status` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_answers_once_idx` ON `poll_answers` (`poll_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `poll_answers_customer_idx` ON `poll_answers` (`customer_id`);--> statement-breakpoint
CREATE TABLE `polls` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`question` text NOT NULL,
	`kind` text NOT NULL,
	`options` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text,
	`theme` text,
	`audience` text NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `polls_opens_idx` ON `polls` (`opens_at`,`id`);--> statement-breakpoint
CREATE INDEX `polls_subject_idx` ON `polls` (`subject_id`);