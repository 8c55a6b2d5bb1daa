-- Migration 6: the participant card a check was taken with (issue 12): distinct people and
-- repeat visits in reports, and a card's earlier readings when the card is shown in person.
-- NULL for checks without a card. Nothing is stored when cards are printed.
ALTER TABLE checks ADD COLUMN card_id TEXT;
CREATE INDEX checks_by_card ON checks(card_id, recorded_at_ms) WHERE card_id IS NOT NULL;
