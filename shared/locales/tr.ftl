### Stallside: ölçüm yapılan kişinin okuduğu ve duyduğu metinler, Türkçe.
### İngilizceden (en.ftl) çevrildi. Tıbbi bilgisi olan anadili Türkçe biri tarafından gözden geçirilmeyi bekliyor.
### status: draft

## Onay ve gizlilik.

consent-title = Bu ölçüm hakkında
consent-what = Tansiyonunuzu ölçmek istiyoruz. Birkaç dakika sürer ve ücretsizdir.
consent-privacy = Kabul ederseniz, cevaplarınızı ve ölçüm sonucunuzu adınız ve adresiniz olmadan bir NHS programı için saklarız. Bunlar NHS'in kimlere ulaştığını görmesine yardım eder. Hayır diyebilirsiniz; tansiyonunuzu yine de ölçeriz.
privacy-title = Bilgileriniz nasıl kullanılır
privacy-what-heading = Neleri saklıyoruz
privacy-what = Tansiyon ölçüm sonucunuz, cevaplarınız (yaş grubu, cinsiyet, etnik grup, sağlık soruları) ve yaşadığınız bölge. Adınız, adresiniz ya da doğum tarihiniz değil. Posta kodunuzu saklamıyoruz.
privacy-why-heading = Neden
privacy-why = Yüksek bir sonuçta bir hemşirenin sizinle iletişime geçebilmesi ve NHS'in ölçümlerin hangi topluluklara ulaştığını ve sağlık hizmetine erişimi neyin zorlaştırdığını görebilmesi için.
privacy-how-long-heading = Ne kadar süre
privacy-how-long = Telefon numarası verirseniz, takip bittiğinde ve her durumda { $days } gün içinde silinir. Ölçümün kendisi { $years } yıl saklanır, sonra herhangi birine bağlanması daha da zorlaştırılır.
privacy-who-heading = Kimler görür
privacy-who = Gönüllü ile programın hemşireleri ve koordinatörleri. NHS için hazırlanan raporlar yalnızca toplamları gösterir, bir kişiyi işaret edebilecek küçük sayıları asla göstermez.
privacy-rights-heading = Seçim sizin
privacy-rights = Hayır diyebilirsiniz; tansiyonunuzu yine de ölçeriz. Programdan kaydınızı istediğiniz zaman silmesini isteyebilirsiniz; nerede ve ne zaman ölçüm yaptırdığınızı söylemeniz yeterli.

## Değerleriniz.

your-numbers = Değerleriniz
reading-label = Tansiyon
reading-units = Üstteki sayı (büyük tansiyon) / alttaki sayı (küçük tansiyon), mmHg olarak. Nabız: dakikada { $pulse } atım.
checked-on = Ölçüm tarihi: { $date }
what-to-do = Şimdi ne yapmalısınız
higher-than-last-time = Tansiyonunuz { $date } tarihindeki son ölçümünüzden daha yüksek.

## Sonuca göre mesajlar.

emergency-message = Belirtileriniz acil yardım gerektiriyor. Şimdi sizin için 999'u arıyoruz.
emergency-safety-net = Şimdi 999'u arayın. Kişinin yanında kalın ve beklerken durumu kötüleşirse tekrar arayın.
very-high-message = Tansiyonunuz çok yüksek. Lütfen bugün bir doktora görünün: aile doktorunuzu (GP) arayın, NHS 111'i arayın ya da bir acil tedavi merkezine (urgent treatment centre) gidin.
very-high-safety-net = { -call-999-high }
irregular-pulse-message = Nabzınız düzenli değildi. Lütfen kontrol ettirmek için bugün aile doktorunuza (GP) görünün.
irregular-pulse-safety-net = Göğüs ağrısı ya da nefes darlığınız olursa, bayılacak gibi olursanız ya da felç belirtileri fark ederseniz 999'u arayın: yüzde sarkma, kolda güçsüzlük ya da konuşma bozukluğu.
low-fainting-message = Tansiyonunuz düşük ve yakın zamanda bayıldınız ya da düştünüz. Lütfen bugün aile doktorunuza (GP) görünün.
low-fainting-safety-net = { -call-999-low }
stage2-message = Tansiyonunuz yüksek. Lütfen bir hafta içinde aile doktorunuza (GP) görünün ya da bir eczanede tansiyonunuzu ölçtürün.
stage2-safety-net = { -call-999-high }
stage2-diagnosed-message = Tansiyonunuz yüksek. Lütfen bir hafta içinde aile doktorunuzdan (GP) ya da muayenehane hemşiresinden kontrol randevusu alın.
stage2-diagnosed-safety-net = { -call-999-high }
stage1-message = Tansiyonunuz biraz yüksek. Lütfen 3 hafta içinde bir eczanede ya da aile doktorunuzda (GP) tekrar ölçtürün.
stage1-safety-net = { -call-999-high }
stage1-diagnosed-message = Tansiyonunuz olması gerekenden biraz yüksek. Lütfen 4 hafta içinde bu ölçümü aile doktorunuza (GP) ya da muayenehane hemşiresine söyleyin.
stage1-diagnosed-safety-net = { -call-999-high }
low-symptoms-message = Tansiyonunuz düşük. Lütfen aile doktorunuzdan (GP) randevu alın. Bayılacak gibi olursanız oturun ya da uzanın.
low-symptoms-safety-net = { -call-999-low }
low-well-message = Tansiyonunuz biraz düşük. Kendinizi iyi hissediyorsanız bu genellikle sorun değildir. Başınız döner ya da bayılacak gibi olursanız aile doktorunuza (GP) görünün.
at-risk-message = Tansiyonunuz yüksek değil ama ideal değer olan 120/80'in üstünde, bu yüzden yüksek tansiyon gelişme riskiniz olabilir. Yılda en az bir kez tekrar ölçtürün.
at-target-message = Tansiyonunuz bugün 140/90'ın altında; bu, yüksek tansiyonu olan kişiler için olağan hedeftir. İlaçlarınızı yazıldığı gibi almaya ve aile doktorunuz (GP) ya da hemşireyle kontrollerinize gitmeye devam edin.
healthy-message = Tansiyonunuz sağlıklı aralıkta, 90/60 ile 120/80 arasında. 5 yıl sonra tekrar ölçtürün.
no-reading-message = Tansiyonunuz henüz ölçülmedi.

-call-999-high = Göğüs ağrısı, şiddetli baş ağrısı, görmede değişiklik, zihin karışıklığı ya da nefes darlığı olursa 999'u arayın.
-call-999-low = Bayılıp hemen kendinize gelmezseniz ya da göğüs ağrısı veya nefes darlığı olursa 999'u arayın.

## Öneriler ve nereye başvurulur.

advice-lifestyle = Daha az tuz yiyin, daha çok hareket edin ve sağlıklı bir kiloda kalın.
advice-leaflet = Size verilen broşürü okuyun.
advice-gp = Aile doktorunuza (GP) görünün.
advice-pharmacy = Bir eczanede tansiyonunuzu ölçtürün.
advice-nhs-111 = Tavsiye için NHS 111'i arayın.
advice-call-999 = Acil bir durumda 999'u arayın.

## Değerlerinizi yanınızda götürün.

card-title = Tansiyon ölçümünüz
card-footer = Bu kart bir toplum tansiyon ölçümünde hazırlandı. Üzerinde hiçbir isim yok.
scan-to-keep = Değerlerinizi saklamak için bu kodu telefonunuzun kamerasıyla tarayın.
print-card = Değerlerinizi yazdırın
read-aloud = Sesli oku
