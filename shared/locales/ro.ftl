### Stallside: ce citește și aude persoana, în limba română.
### Tradus din engleză (en.ftl). Urmează să fie verificat de un vorbitor nativ cu pregătire medicală.
### status: draft

## Consimțământ și confidențialitate.

consent-title = Despre această verificare
consent-what = Am dori să vă măsurăm tensiunea arterială. Durează câteva minute și este gratuit.
consent-privacy = Dacă sunteți de acord, păstrăm răspunsurile și valorile dumneavoastră pentru un program NHS, fără numele sau adresa dumneavoastră. Ele ajută NHS să vadă pe cine ajunge. Puteți spune nu și tot vă putem măsura tensiunea.
privacy-title = Cum sunt folosite informațiile dumneavoastră
privacy-what-heading = Ce păstrăm
privacy-what = Valorile tensiunii arteriale, răspunsurile dumneavoastră (grupa de vârstă, sexul, grupul etnic, întrebările despre sănătate) și zona în care locuiți. Nu numele, adresa sau data nașterii. Nu păstrăm codul poștal.
privacy-why-heading = De ce
privacy-why = Pentru ca o asistentă să vă poată contacta în cazul unei valori mari și pentru ca NHS să vadă la ce comunități ajung verificările și ce împiedică accesul la îngrijire.
privacy-how-long-heading = Cât timp
privacy-how-long = Dacă ne dați un număr de telefon, acesta este șters când se încheie urmărirea și întotdeauna în cel mult { $days-count ->
        [one] { $days } zi
        [few] { $days } zile
       *[other] { $days } de zile
    }. Verificarea în sine este păstrată { $years-count ->
        [one] { $years } an
        [few] { $years } ani
       *[other] { $years } de ani
    }, apoi devine mai greu de legat de cineva.
privacy-who-heading = Cine le vede
privacy-who = Voluntarul, asistentele și coordonatorii programului. Rapoartele pentru NHS arată doar totaluri, niciodată numere mici care ar putea indica o persoană.
privacy-rights-heading = Alegerea dumneavoastră
privacy-rights = Puteți spune nu și tot vă putem măsura tensiunea. Puteți cere oricând programului să vă șteargă înregistrarea; spuneți-le unde și când ați fost verificat.

## Valorile dumneavoastră.

your-numbers = Valorile dumneavoastră
reading-label = Tensiunea arterială
reading-units = Numărul de sus (sistolică) / numărul de jos (diastolică), în mmHg. Puls: { $pulse } bătăi pe minut.
checked-on = Măsurată pe { $date }
what-to-do = Ce să faceți mai departe
higher-than-last-time = Tensiunea dumneavoastră este mai mare decât la ultima măsurare, din { $date }.

## Mesaje după rezultat.

emergency-message = Simptomele dumneavoastră au nevoie de ajutor urgent. Sunăm acum la 999 pentru dumneavoastră.
emergency-safety-net = Sunați acum la 999. Rămâneți cu persoana și sunați din nou dacă se simte mai rău cât așteptați.
very-high-message = Tensiunea dumneavoastră este foarte mare. Mergeți astăzi la un medic: sunați la medicul de familie (GP), sunați la NHS 111 sau mergeți la un centru de urgențe (urgent treatment centre).
very-high-safety-net = { -call-999-high }
irregular-pulse-message = Pulsul dumneavoastră nu a fost regulat. Mergeți astăzi la medicul de familie (GP) să îl verifice.
irregular-pulse-safety-net = Sunați la 999 dacă aveți durere în piept sau lipsă de aer, simțiți că leșinați sau observați semne de accident vascular cerebral: fața căzută, un braț slăbit sau vorbire neclară.
low-fainting-message = Tensiunea dumneavoastră este mică, iar recent ați leșinat sau ați căzut. Mergeți astăzi la medicul de familie (GP).
low-fainting-safety-net = { -call-999-low }
stage2-message = Tensiunea dumneavoastră este mare. Mergeți la medicul de familie (GP) sau verificați-vă tensiunea la o farmacie în decurs de o săptămână.
stage2-safety-net = { -call-999-high }
stage2-diagnosed-message = Tensiunea dumneavoastră este mare. Programați o consultație de control la medicul de familie (GP) sau la asistenta de la cabinet în decurs de o săptămână.
stage2-diagnosed-safety-net = { -call-999-high }
stage1-message = Tensiunea dumneavoastră este puțin mare. Verificați-o din nou la o farmacie sau la medicul de familie (GP) în decurs de 3 săptămâni.
stage1-safety-net = { -call-999-high }
stage1-diagnosed-message = Tensiunea dumneavoastră este puțin mai mare decât ar trebui. Spuneți-i medicului de familie (GP) sau asistentei despre această valoare în decurs de 4 săptămâni.
stage1-diagnosed-safety-net = { -call-999-high }
low-symptoms-message = Tensiunea dumneavoastră este mică. Faceți o programare la medicul de familie (GP). Așezați-vă sau întindeți-vă dacă simțiți că leșinați.
low-symptoms-safety-net = { -call-999-low }
low-well-message = Tensiunea dumneavoastră este puțin mică. De obicei nu este o problemă dacă vă simțiți bine. Mergeți la medicul de familie (GP) dacă aveți amețeli sau simțiți că leșinați.
at-risk-message = Tensiunea dumneavoastră nu este mare, dar este peste valoarea ideală de 120/80, deci ați putea avea risc să faceți tensiune mare. Verificați-o din nou cel puțin o dată pe an.
at-target-message = Astăzi tensiunea dumneavoastră este sub 140/90, ținta obișnuită pentru persoanele cu tensiune mare. Continuați să luați medicamentele așa cum v-au fost prescrise și mergeți în continuare la controale la medicul de familie (GP) sau la asistentă.
healthy-message = Tensiunea dumneavoastră este în limite sănătoase, între 90/60 și 120/80. Verificați-o din nou peste 5 ani.
no-reading-message = Încă nu v-am măsurat tensiunea arterială.

-call-999-high = Sunați la 999 dacă aveți durere în piept, o durere de cap puternică, schimbări ale vederii, confuzie sau lipsă de aer.
-call-999-low = Sunați la 999 dacă leșinați și nu vă treziți repede, sau dacă aveți durere în piept sau lipsă de aer.

## Sfaturi și unde să mergeți.

advice-lifestyle = Mâncați mai puțină sare, mișcați-vă mai mult și păstrați o greutate sănătoasă.
advice-leaflet = Citiți broșura pe care ați primit-o.
advice-gp = Mergeți la medicul de familie (GP).
advice-pharmacy = Verificați-vă tensiunea la o farmacie.
advice-nhs-111 = Sunați la NHS 111 pentru sfaturi.
advice-call-999 = În caz de urgență, sunați la 999.

## Valorile de luat acasă.

card-title = Verificarea tensiunii arteriale
card-footer = Acest card a fost făcut la o verificare a tensiunii în comunitate. Nu conține niciun nume.
scan-to-keep = Scanați acest cod cu camera telefonului pentru a vă păstra valorile.
print-card = Tipăriți valorile
read-aloud = Citește cu voce tare
