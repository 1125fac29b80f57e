-- The movement ledger and the order status history are append-only: a correction is a new row.
CREATE TRIGGER `stock_movements_no_update` BEFORE UPDATE ON `stock_movements`
BEGIN
	SELECT raise(ABORT, 'stock_movements is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `stock_movements_no_delete` BEFORE DELETE ON `stock_movements`
BEGIN
	SELECT raise(ABORT, 'stock_movements is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `order_status_history_no_update` BEFORE UPDATE ON `order_status_history`
BEGIN
	SELECT raise(ABORT, 'order_status_history is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `order_status_history_no_delete` BEFORE DELETE ON `order_status_history`
BEGIN
	SELECT raise(ABORT, 'order_status_history is append-only');
END;
