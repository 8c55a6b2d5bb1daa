### Stallside: co osoba badana czyta i słyszy, po polsku.
### Tłumaczenie z angielskiego (en.ftl). Do sprawdzenia przez rodzimego użytkownika języka z wiedzą medyczną.
### status: draft

## Zgoda i prywatność.

consent-title = O tym badaniu
consent-what = Chcielibyśmy zmierzyć Pani/Pana ciśnienie krwi. To potrwa kilka minut i jest bezpłatne.
consent-privacy = Jeśli Pani/Pan się zgodzi, zachowamy odpowiedzi i wynik pomiaru dla programu NHS, bez imienia, nazwiska i adresu. Pomagają one NHS sprawdzić, do kogo docieramy. Można odmówić i mimo to zmierzyć ciśnienie.
privacy-title = Jak wykorzystujemy Pani/Pana informacje
privacy-what-heading = Co zachowujemy
privacy-what = Wynik pomiaru ciśnienia, odpowiedzi (grupa wiekowa, płeć, grupa etniczna, pytania o zdrowie) i okolicę, w której Pani/Pan mieszka. Nie zachowujemy imienia i nazwiska, adresu ani daty urodzenia. Nie zachowujemy kodu pocztowego.
privacy-why-heading = Po co
privacy-why = Aby pielęgniarka mogła skontaktować się w sprawie wysokiego wyniku i aby NHS widziało, do których społeczności docierają pomiary i co utrudnia dostęp do opieki.
privacy-how-long-heading = Jak długo
privacy-how-long = Jeśli poda Pani/Pan numer telefonu, zostanie on usunięty po zakończeniu kontaktu, a zawsze w ciągu { $days-count ->
        [one] { $days } dnia
       *[other] { $days } dni
    }. Sam pomiar przechowujemy przez { $years-count ->
        [one] { $years } rok
        [few] { $years } lata
       *[many] { $years } lat
    }, a potem jeszcze trudniej powiązać go z kimkolwiek.
privacy-who-heading = Kto je widzi
privacy-who = Wolontariusz oraz pielęgniarki i koordynatorzy programu. Raporty dla NHS pokazują tylko sumy, nigdy małych liczb, które mogłyby wskazać konkretną osobę.
privacy-rights-heading = Pani/Pana wybór
privacy-rights = Można odmówić i mimo to zmierzyć ciśnienie. W każdej chwili można poprosić program o usunięcie zapisu; wystarczy podać, gdzie i kiedy był pomiar.

## Pani/Pana wyniki.

your-numbers = Pani/Pana wyniki
reading-label = Ciśnienie krwi
reading-units = Górna liczba (skurczowe) / dolna liczba (rozkurczowe), w mmHg. Tętno: { $pulse } uderzeń na minutę.
checked-on = Zmierzone { $date }
what-to-do = Co zrobić dalej
higher-than-last-time = Ciśnienie jest wyższe niż przy ostatnim pomiarze, { $date }.

## Komunikaty według wyniku.

emergency-message = Te objawy wymagają pilnej pomocy. Dzwonimy teraz po pomoc pod numer 999.
emergency-safety-net = Zadzwoń teraz pod 999. Zostań z tą osobą i zadzwoń ponownie, jeśli jej stan się pogorszy w czasie oczekiwania.
very-high-message = Pani/Pana ciśnienie krwi jest bardzo wysokie. Proszę jeszcze dziś skontaktować się z lekarzem: zadzwonić do swojej przychodni (GP), zadzwonić pod NHS 111 albo pójść do ośrodka pilnej pomocy (urgent treatment centre).
very-high-safety-net = { -call-999-high }
irregular-pulse-message = Pani/Pana tętno było nieregularne. Proszę jeszcze dziś pójść do lekarza rodzinnego (GP), żeby to sprawdzić.
irregular-pulse-safety-net = Proszę zadzwonić pod 999 w razie bólu w klatce piersiowej lub duszności, uczucia omdlenia albo objawów udaru: opadającej twarzy, osłabionej ręki lub niewyraźnej mowy.
low-fainting-message = Pani/Pana ciśnienie krwi jest niskie, a ostatnio zdarzyło się omdlenie lub upadek. Proszę jeszcze dziś pójść do lekarza rodzinnego (GP).
low-fainting-safety-net = { -call-999-low }
stage2-message = Pani/Pana ciśnienie krwi jest wysokie. Proszę w ciągu tygodnia pójść do lekarza rodzinnego (GP) albo zmierzyć ciśnienie w aptece.
stage2-safety-net = { -call-999-high }
stage2-diagnosed-message = Pani/Pana ciśnienie krwi jest wysokie. Proszę w ciągu tygodnia umówić się na wizytę kontrolną u lekarza rodzinnego (GP) lub pielęgniarki w przychodni.
stage2-diagnosed-safety-net = { -call-999-high }
stage1-message = Pani/Pana ciśnienie krwi jest trochę za wysokie. Proszę w ciągu 3 tygodni zmierzyć je ponownie w aptece lub u lekarza rodzinnego (GP).
stage1-safety-net = { -call-999-high }
stage1-diagnosed-message = Pani/Pana ciśnienie krwi jest trochę wyższe, niż powinno być. Proszę w ciągu 4 tygodni powiedzieć o tym wyniku lekarzowi rodzinnemu (GP) lub pielęgniarce w przychodni.
stage1-diagnosed-safety-net = { -call-999-high }
low-symptoms-message = Pani/Pana ciśnienie krwi jest niskie. Proszę umówić się na wizytę u lekarza rodzinnego (GP). W razie uczucia omdlenia proszę usiąść albo się położyć.
low-symptoms-safety-net = { -call-999-low }
low-well-message = Pani/Pana ciśnienie krwi jest trochę niskie. Zwykle nie jest to problem, jeśli czuje się Pani/Pan dobrze. W razie zawrotów głowy lub uczucia omdlenia proszę pójść do lekarza rodzinnego (GP).
at-risk-message = Pani/Pana ciśnienie krwi nie jest wysokie, ale jest powyżej wartości idealnej 120/80, więc istnieje ryzyko, że rozwinie się nadciśnienie. Proszę mierzyć je ponownie co najmniej raz w roku.
at-target-message = Dziś Pani/Pana ciśnienie krwi jest poniżej 140/90, czyli zwykłego celu dla osób z nadciśnieniem. Proszę dalej brać leki tak, jak je przepisano, i chodzić na wizyty kontrolne u lekarza rodzinnego (GP) lub pielęgniarki.
healthy-message = Pani/Pana ciśnienie krwi jest w zdrowym zakresie, między 90/60 a 120/80. Proszę zmierzyć je ponownie za 5 lat.
no-reading-message = Nie zmierzyliśmy jeszcze Pani/Pana ciśnienia krwi.

-call-999-high = Proszę zadzwonić pod 999 w razie bólu w klatce piersiowej, silnego bólu głowy, zmian widzenia, splątania lub duszności.
-call-999-low = Proszę zadzwonić pod 999 w razie omdlenia, po którym nie odzyskuje się szybko przytomności, albo bólu w klatce piersiowej lub duszności.

## Porady i gdzie się zgłosić.

advice-lifestyle = Proszę jeść mniej soli, więcej się ruszać i dbać o prawidłową wagę.
advice-leaflet = Proszę przeczytać ulotkę, którą Pani/Pan dostał(a).
advice-gp = Proszę pójść do lekarza rodzinnego (GP).
advice-pharmacy = Proszę zmierzyć ciśnienie krwi w aptece.
advice-nhs-111 = Proszę zadzwonić pod NHS 111 po poradę.
advice-call-999 = W nagłym wypadku proszę dzwonić pod 999.

## Wyniki do zabrania.

card-title = Pomiar ciśnienia krwi
card-footer = Tę kartkę przygotowano podczas pomiaru ciśnienia w społeczności. Nie zawiera żadnego imienia ani nazwiska.
scan-to-keep = Proszę zeskanować ten kod aparatem w swoim telefonie, żeby zachować wyniki.
print-card = Wydrukuj wyniki
read-aloud = Przeczytaj na głos
