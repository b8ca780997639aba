-- The deposits the workers ask the gateway about when a notification has not come
-- (deposits::reconcile): only the pending ones, oldest first.
CREATE INDEX deposits_pending ON deposits (created_at) WHERE status = 'pending';
