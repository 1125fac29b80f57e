ALTER TABLE `orders` ADD `shipping_name` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_lines` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_city` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_postal_code` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_phone` text;