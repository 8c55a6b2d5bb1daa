### Stallside: o que a pessoa lê e ouve, em português.
### Tradução do inglês (en.ftl). Por rever por um falante nativo com formação clínica.
### status: draft

## Consentimento e privacidade.

consent-title = Sobre esta medição
consent-what = Gostaríamos de medir a sua tensão arterial. Demora alguns minutos e é grátis.
consent-privacy = Se concordar, guardamos as suas respostas e a sua medição para um programa do NHS, sem o seu nome nem a sua morada. Ajudam o NHS a saber quem está a ser alcançado. Pode dizer que não e medir a tensão na mesma.
privacy-title = Como a sua informação é usada
privacy-what-heading = O que guardamos
privacy-what = A sua medição da tensão arterial, as suas respostas (faixa etária, sexo, grupo étnico, perguntas de saúde) e a zona onde vive. Não o seu nome, morada ou data de nascimento. Não guardamos o seu código postal.
privacy-why-heading = Porquê
privacy-why = Para que uma enfermeira possa acompanhar uma medição alta, e para que o NHS veja a que comunidades chegam as medições e o que dificulta o acesso aos cuidados.
privacy-how-long-heading = Durante quanto tempo
privacy-how-long = Se der um número de telefone, é apagado quando o acompanhamento termina, e sempre no prazo de { $days-count ->
        [one] { $days } dia
       *[other] { $days } dias
    }. A medição em si é guardada durante { $years-count ->
        [one] { $years } ano
       *[other] { $years } anos
    } e depois torna-se mais difícil associá-la a alguém.
privacy-who-heading = Quem a vê
privacy-who = O voluntário e as enfermeiras e coordenadores do programa. Os relatórios para o NHS só mostram totais, nunca números pequenos que possam identificar uma pessoa.
privacy-rights-heading = A escolha é sua
privacy-rights = Pode dizer que não e medir a tensão na mesma. Pode pedir ao programa que apague o seu registo a qualquer momento; diga-lhes onde e quando fez a medição.

## Os seus valores.

your-numbers = Os seus valores
reading-label = Tensão arterial
reading-units = Valor de cima (sistólica) / valor de baixo (diastólica), em mmHg. Pulso: { $pulse } batimentos por minuto.
checked-on = Medida em { $date }
what-to-do = O que fazer a seguir
higher-than-last-time = A sua tensão arterial está mais alta do que na última medição, em { $date }.

## Mensagens por resultado.

emergency-message = Os seus sintomas precisam de ajuda urgente. Estamos a ligar para o 999 por si agora.
emergency-safety-net = Ligue para o 999 agora. Fique com a pessoa e ligue outra vez se ela piorar enquanto espera.
very-high-message = A sua tensão arterial está muito alta. Consulte um médico hoje: ligue para o seu médico de família (GP), ligue para o NHS 111 ou vá a um centro de atendimento urgente.
very-high-safety-net = { -call-999-high }
irregular-pulse-message = O seu pulso não estava regular. Consulte o seu médico de família (GP) hoje para o verificar.
irregular-pulse-safety-net = Ligue para o 999 se tiver dor no peito ou falta de ar, se sentir que vai desmaiar ou notar sinais de um AVC: a cara descaída, um braço fraco ou dificuldade em falar.
low-fainting-message = A sua tensão arterial está baixa e desmaiou ou caiu recentemente. Consulte o seu médico de família (GP) hoje.
low-fainting-safety-net = { -call-999-low }
stage2-message = A sua tensão arterial está alta. Consulte o seu médico de família (GP) ou meça a tensão numa farmácia no prazo de uma semana.
stage2-safety-net = { -call-999-high }
stage2-diagnosed-message = A sua tensão arterial está alta. Marque uma consulta de revisão com o seu médico de família (GP) ou com a enfermeira do centro de saúde no prazo de uma semana.
stage2-diagnosed-safety-net = { -call-999-high }
stage1-message = A sua tensão arterial está um pouco alta. Volte a medi-la numa farmácia ou com o seu médico de família (GP) no prazo de 3 semanas.
stage1-safety-net = { -call-999-high }
stage1-diagnosed-message = A sua tensão arterial está um pouco mais alta do que devia. Fale desta medição com o seu médico de família (GP) ou com a enfermeira no prazo de 4 semanas.
stage1-diagnosed-safety-net = { -call-999-high }
low-symptoms-message = A sua tensão arterial está baixa. Marque uma consulta com o seu médico de família (GP). Sente-se ou deite-se se sentir que vai desmaiar.
low-symptoms-safety-net = { -call-999-low }
low-well-message = A sua tensão arterial está um pouco baixa. Normalmente não há problema se se sentir bem. Consulte o seu médico de família (GP) se tiver tonturas ou sentir que vai desmaiar.
at-risk-message = A sua tensão arterial não está alta, mas está acima do ideal (120/80), por isso pode estar em risco de vir a ter tensão alta. Volte a medi-la pelo menos uma vez por ano.
at-target-message = Hoje a sua tensão arterial está abaixo de 140/90, o objetivo habitual para pessoas com tensão alta. Continue a tomar os medicamentos como foram receitados e continue a ir às revisões com o seu médico de família (GP) ou a enfermeira.
healthy-message = A sua tensão arterial está no intervalo saudável, entre 90/60 e 120/80. Volte a medi-la daqui a 5 anos.
no-reading-message = Ainda não medimos a sua tensão arterial.

-call-999-high = Ligue para o 999 se tiver dor no peito, uma dor de cabeça forte, alterações na visão, confusão ou falta de ar.
-call-999-low = Ligue para o 999 se desmaiar e não acordar depressa, ou se tiver dor no peito ou falta de ar.

## Conselhos e onde ir.

advice-lifestyle = Coma menos sal, mexa-se mais e mantenha um peso saudável.
advice-leaflet = Leia o folheto que lhe demos.
advice-gp = Consulte o seu médico de família (GP).
advice-pharmacy = Meça a tensão arterial numa farmácia.
advice-nhs-111 = Ligue para o NHS 111 para pedir conselho.
advice-call-999 = Numa emergência, ligue para o 999.

## Para levar os seus valores.

card-title = A sua medição da tensão arterial
card-footer = Este cartão foi feito numa medição comunitária da tensão arterial. Não tem nenhum nome.
scan-to-keep = Leia este código com a câmara do seu telemóvel para guardar os seus valores.
print-card = Imprimir os seus valores
read-aloud = Ler em voz alta
