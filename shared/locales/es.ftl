### Stallside: lo que lee y oye la persona, en español.
### Traducción del inglés (en.ftl). Pendiente de revisión por un hablante nativo con formación clínica.
### status: draft

## Consentimiento y privacidad.

consent-title = Sobre esta prueba
consent-what = Nos gustaría medirle la tensión arterial. Tarda unos minutos y es gratis.
consent-privacy = Si está de acuerdo, guardamos sus respuestas y su medición para un programa del NHS, sin su nombre ni su dirección. Ayudan al NHS a saber a quién llega. Puede decir que no y medirse la tensión igualmente.
privacy-title = Cómo se usa su información
privacy-what-heading = Qué guardamos
privacy-what = Su medición de la tensión arterial, sus respuestas (grupo de edad, sexo, grupo étnico, preguntas de salud) y la zona donde vive. No su nombre, dirección ni fecha de nacimiento. No guardamos su código postal.
privacy-why-heading = Para qué
privacy-why = Para que una enfermera pueda hacer el seguimiento de una medición alta, y para que el NHS vea a qué comunidades llegan las mediciones y qué dificulta recibir atención.
privacy-how-long-heading = Durante cuánto tiempo
privacy-how-long = Si nos da un número de teléfono, se borra cuando termina el seguimiento, y siempre en un plazo de { $days-count ->
        [one] { $days } día
       *[other] { $days } días
    }. La medición se guarda durante { $years-count ->
        [one] { $years } año
       *[other] { $years } años
    } y después se hace más difícil relacionarla con nadie.
privacy-who-heading = Quién la ve
privacy-who = El voluntario y las enfermeras y coordinadores del programa. Los informes para el NHS solo muestran totales, nunca cifras pequeñas que puedan señalar a una persona.
privacy-rights-heading = Usted decide
privacy-rights = Puede decir que no y medirse la tensión igualmente. Puede pedir al programa que borre su registro en cualquier momento; dígales dónde y cuándo se la midieron.

## Sus cifras.

your-numbers = Sus cifras
reading-label = Tensión arterial
reading-units = Cifra de arriba (sistólica) / cifra de abajo (diastólica), en mmHg. Pulso: { $pulse } latidos por minuto.
checked-on = Medida el { $date }
what-to-do = Qué hacer ahora
higher-than-last-time = Su tensión arterial está más alta que en su última medida, el { $date }.

## Mensajes por resultado.

emergency-message = Sus síntomas necesitan ayuda urgente. Estamos llamando al 999 por usted ahora.
emergency-safety-net = Llame al 999 ahora. Quédese con la persona y vuelva a llamar si empeora mientras espera.
very-high-message = Su tensión arterial está muy alta. Vea a un médico hoy: llame a su médico de cabecera (GP), llame al NHS 111 o vaya a un centro de atención urgente.
very-high-safety-net = { -call-999-high }
irregular-pulse-message = Su pulso no era regular. Vea a su médico de cabecera (GP) hoy para que lo revise.
irregular-pulse-safety-net = Llame al 999 si tiene dolor en el pecho o le falta el aire, se siente a punto de desmayarse o nota signos de un ictus: la cara caída, un brazo débil o dificultad para hablar.
low-fainting-message = Su tensión arterial está baja y se ha desmayado o caído hace poco. Vea a su médico de cabecera (GP) hoy.
low-fainting-safety-net = { -call-999-low }
stage2-message = Su tensión arterial está alta. Vea a su médico de cabecera (GP) o hágase una medición de la tensión en una farmacia en el plazo de una semana.
stage2-safety-net = { -call-999-high }
stage2-diagnosed-message = Su tensión arterial está alta. Pida una revisión con su médico de cabecera (GP) o con la enfermera del centro de salud en el plazo de una semana.
stage2-diagnosed-safety-net = { -call-999-high }
stage1-message = Su tensión arterial está un poco alta. Vuelva a medírsela en una farmacia o con su médico de cabecera (GP) en el plazo de 3 semanas.
stage1-safety-net = { -call-999-high }
stage1-diagnosed-message = Su tensión arterial está un poco más alta de lo que debería. Cuénteselo a su médico de cabecera (GP) o a la enfermera del centro de salud en el plazo de 4 semanas.
stage1-diagnosed-safety-net = { -call-999-high }
low-symptoms-message = Su tensión arterial está baja. Pida cita con su médico de cabecera (GP). Siéntese o túmbese si se siente a punto de desmayarse.
low-symptoms-safety-net = { -call-999-low }
low-well-message = Su tensión arterial está un poco baja. Esto no suele ser un problema si se encuentra bien. Vea a su médico de cabecera (GP) si se marea o se siente a punto de desmayarse.
at-risk-message = Su tensión arterial no está alta, pero está por encima de lo ideal (120/80), así que podría tener riesgo de llegar a tener la tensión alta. Vuelva a medírsela al menos una vez al año.
at-target-message = Hoy su tensión arterial está por debajo de 140/90, el objetivo habitual para las personas con tensión alta. Siga tomando sus medicamentos como se los recetaron y siga yendo a sus revisiones con su médico de cabecera (GP) o la enfermera.
healthy-message = Su tensión arterial está en el rango saludable, entre 90/60 y 120/80. Vuelva a medírsela dentro de 5 años.
no-reading-message = Todavía no le hemos medido la tensión arterial.

-call-999-high = Llame al 999 si tiene dolor en el pecho, un dolor de cabeza fuerte, cambios en la vista, confusión o le falta el aire.
-call-999-low = Llame al 999 si se desmaya y no se despierta enseguida, o si tiene dolor en el pecho o le falta el aire.

## Consejos y a dónde acudir.

advice-lifestyle = Coma menos sal, muévase más y mantenga un peso saludable.
advice-leaflet = Lea el folleto que le hemos dado.
advice-gp = Vea a su médico de cabecera (GP).
advice-pharmacy = Mídase la tensión arterial en una farmacia.
advice-nhs-111 = Llame al NHS 111 para pedir consejo.
advice-call-999 = En una emergencia, llame al 999.

## Para llevarse sus cifras.

card-title = Su medición de la tensión arterial
card-footer = Esta tarjeta se hizo en una medición comunitaria de la tensión arterial. No lleva ningún nombre.
scan-to-keep = Escanee este código con la cámara de su teléfono para guardar sus cifras.
print-card = Imprimir sus cifras
read-aloud = Leer en voz alta
