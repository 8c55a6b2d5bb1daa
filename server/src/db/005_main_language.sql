-- Migration 5: the person's main language (issue 14), for the equity report's breakdown.
-- NULL for checks from phones that did not ask it: reported as "Not recorded", not guessed.
ALTER TABLE checks ADD COLUMN main_language TEXT;
