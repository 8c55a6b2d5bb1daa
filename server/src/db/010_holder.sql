-- The volunteer's device that pushed a document's current state whole (the stored heads are
-- the heads it pushed at): it holds that state already, so its pulls pass the document over. A
-- phone that pushes its next batch while the answer to the last is on its way would otherwise
-- be sent back every record of the batch that committed first. Any other write (another
-- device's push, a staff edit, pseudonymisation) clears it.
ALTER TABLE documents ADD COLUMN holder_device TEXT;
