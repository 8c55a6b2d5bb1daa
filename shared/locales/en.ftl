### Stallside: what the person checked reads and hears, in English.
### This is the source every translation mirrors; the band wording comes from
### shared/src/wording.rs (a test checks they agree word for word).
### status: reviewed
### reviewer: Stallside wording table (shared/src/wording.rs)
### reviewed-on: 2026-11-22

## Consent and privacy, read to or by the person before anything is recorded.

consent-title = About this check
consent-what = We would like to check your blood pressure. It takes a few minutes and it is free.
consent-privacy = If you agree, we keep your answers and your reading for an NHS programme, without your name or address. They help the NHS see who is being reached. You can say no and still have your blood pressure checked.
privacy-title = How your information is used
privacy-what-heading = What we keep
privacy-what = Your blood pressure reading, your answers (age group, sex, ethnic group, health questions) and the area you live in. Not your name, address or date of birth. We do not keep your postcode.
privacy-why-heading = Why
privacy-why = So a nurse can follow up a high reading, and so the NHS can see which communities the checks reach and what gets in the way of care.
privacy-how-long-heading = For how long
privacy-how-long = If you give a phone number, it is deleted when the follow-up ends, and always within { $days-count ->
        [one] { $days } day
       *[other] { $days } days
    }. The check itself is kept for { $years-count ->
        [one] { $years } year
       *[other] { $years } years
    }, then made harder to link to anyone.
privacy-who-heading = Who sees it
privacy-who = The volunteer, the programme's nurses and coordinators. Reports for the NHS only show totals, never small numbers that could point to a person.
privacy-rights-heading = Your choice
privacy-rights = You can say no and still have your blood pressure checked. You can ask the programme to delete your record at any time; tell them where and when you were checked.

## "Your numbers": the person's own screen after the check.

your-numbers = Your numbers
reading-label = Blood pressure
reading-units = Top number (systolic) / bottom number (diastolic), in mmHg. Pulse { $pulse } beats a minute.
checked-on = Checked on { $date }
what-to-do = What to do next
higher-than-last-time = Your blood pressure is higher than at your last check, on { $date }.

## The band messages and safety-netting lines: one per row of the wording table.

emergency-message = Your symptoms need urgent help. We are calling 999 for you now.
emergency-safety-net = Call 999 now. Stay with the person, and call again if they get worse while you wait.
very-high-message = Your blood pressure is very high. Please see a doctor today: call your GP surgery, call NHS 111, or go to an urgent treatment centre.
very-high-safety-net = { -call-999-high }
irregular-pulse-message = Your pulse was not regular. Please see your GP today to get it checked.
irregular-pulse-safety-net = Call 999 if you get chest pain or breathlessness, feel faint, or notice signs of a stroke: a drooping face, a weak arm or slurred speech.
low-fainting-message = Your blood pressure is low, and you have fainted or fallen recently. Please see your GP today.
low-fainting-safety-net = { -call-999-low }
stage2-message = Your blood pressure is high. Please see your GP or have a pharmacy blood pressure check within a week.
stage2-safety-net = { -call-999-high }
stage2-diagnosed-message = Your blood pressure is high. Please book a review with your GP or practice nurse within a week.
stage2-diagnosed-safety-net = { -call-999-high }
stage1-message = Your blood pressure is a bit high. Please have it checked again at a pharmacy or by your GP within 3 weeks.
stage1-safety-net = { -call-999-high }
stage1-diagnosed-message = Your blood pressure is a bit higher than it should be. Please tell your GP or practice nurse about this reading within 4 weeks.
stage1-diagnosed-safety-net = { -call-999-high }
low-symptoms-message = Your blood pressure is low. Please make an appointment with your GP. Sit or lie down if you feel faint.
low-symptoms-safety-net = { -call-999-low }
low-well-message = Your blood pressure is a little low. This is usually fine if you feel well. See your GP if you feel dizzy or faint.
at-risk-message = Your blood pressure is not high, but it is above the ideal of 120/80, so you could be at risk of developing high blood pressure. Have it checked again at least once a year.
at-target-message = Your blood pressure is below 140/90 today, the usual target for people with high blood pressure. Keep taking any medicines as prescribed, and keep going to your reviews with your GP or practice nurse.
healthy-message = Your blood pressure is in the healthy range, between 90/60 and 120/80. Have it checked again in 5 years.
no-reading-message = Your blood pressure has not been taken yet.

-call-999-high = Call 999 if you get chest pain, a severe headache, changes in your vision, confusion or breathlessness.
-call-999-low = Call 999 if you faint and do not wake up quickly, or get chest pain or breathlessness.

## Advice and signposting given.

advice-lifestyle = Eat less salt, move more, and keep to a healthy weight.
advice-leaflet = Read the leaflet you were given.
advice-gp = See your GP.
advice-pharmacy = Have a blood pressure check at a pharmacy.
advice-nhs-111 = Call NHS 111 for advice.
advice-call-999 = Call 999 in an emergency.

## Taking the numbers away.

card-title = Your blood pressure check
card-footer = This card was made at a community blood pressure check. It holds no name.
scan-to-keep = Scan this code with your phone's camera to keep your numbers.
print-card = Print your numbers
read-aloud = Read aloud
