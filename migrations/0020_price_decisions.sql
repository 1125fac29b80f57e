CREATE TABLE `price_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`decision` text NOT NULL,
	`suggested_minor` integer NOT NULL,
	`suggested_low_minor` integer NOT NULL,
	`suggested_high_minor` integer NOT NULL,
	`current_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`chosen_minor` integer,
	`reason` text NOT NULL,
	`decided_by` text NOT NULL,
	`decided_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `price_decisions_spirit_idx` ON `price_decisions` (`spirit_id`,`decided_at`);