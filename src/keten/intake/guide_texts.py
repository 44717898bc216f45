"""Short texts a front-desk worker can show or print for a person who may be a victim, in the languages such
people often read. Content, not interface: they are written per language here and never pass through gettext.

Each text is calm and plain and promises nothing the law does not: you are not alone, help is free and
confidential, these are numbers you can call, in danger call 112. Where a language marks gender in "you are
alone", the sentence is put another way, so one text fits everyone. The numbers to call are not in the text:
the page lists them below it, from the advice for the place."""

PERSON_TEXTS = (
    {
        "lang": "nl",
        "name": "Nederlands",
        "title": "Er is hulp voor u",
        "paragraphs": (
            "U staat er niet alleen voor. In Nederland zijn mensen die u kunnen helpen.",
            "De hulp is gratis en vertrouwelijk.",
            "U kunt bellen naar een van de nummers hieronder. U kunt om een tolk vragen. U kunt ook iemand "
            "vragen om voor u te bellen.",
        ),
        "danger": "Bent u nu in gevaar? Bel 112.",
        "numbers": "Hier kunt u bellen:",
    },
    {
        "lang": "en",
        "name": "English",
        "title": "There is help for you",
        "paragraphs": (
            "You are not alone. There are people in the Netherlands who can help you.",
            "Help is free and confidential.",
            "You can call one of the numbers below. You can ask for an interpreter. You can also ask someone to "
            "call for you.",
        ),
        "danger": "Are you in danger right now? Call 112.",
        "numbers": "Numbers you can call:",
    },
    {
        "lang": "pl",
        "name": "Polski",
        "title": "Możesz otrzymać pomoc",
        "paragraphs": (
            "Nie musisz radzić sobie z tym w pojedynkę. W Holandii są ludzie, którzy mogą Ci pomóc.",
            "Pomoc jest bezpłatna i poufna.",
            "Możesz zadzwonić pod jeden z numerów poniżej. Możesz poprosić o tłumacza. Możesz też poprosić "
            "kogoś, aby zadzwonił w Twoim imieniu.",
        ),
        "danger": "Jesteś teraz w niebezpieczeństwie? Zadzwoń pod numer 112.",
        "numbers": "Numery, pod które możesz zadzwonić:",
    },
    {
        "lang": "ro",
        "name": "Română",
        "title": "Poți primi ajutor",
        "paragraphs": (
            "Nu trebuie să treci prin asta fără ajutor. În Olanda există oameni care te pot ajuta.",
            "Ajutorul este gratuit și confidențial.",
            "Poți suna la unul dintre numerele de mai jos. Poți cere un interpret. Poți ruga și pe altcineva "
            "să sune în locul tău.",
        ),
        "danger": "Ești în pericol acum? Sună la 112.",
        "numbers": "Numere la care poți suna:",
    },
    {
        "lang": "bg",
        "name": "Български",
        "title": "Можеш да получиш помощ",
        "paragraphs": (
            "Не е нужно да се справяш с това без помощ. В Холандия има хора, които могат да ти помогнат.",
            "Помощта е безплатна и поверителна.",
            "Можеш да се обадиш на някой от номерата по-долу. Можеш да поискаш преводач. Можеш също да "
            "помолиш някого да се обади вместо теб.",
        ),
        "danger": "В опасност ли си в момента? Обади се на 112.",
        "numbers": "Номера, на които можеш да се обадиш:",
    },
    {
        "lang": "uk",
        "name": "Українська",
        "title": "Ви можете отримати допомогу",
        "paragraphs": (
            "Ви не самі. У Нідерландах є люди, які можуть Вам допомогти.",
            "Допомога безкоштовна і конфіденційна.",
            "Ви можете зателефонувати за одним із номерів нижче. Ви можете попросити перекладача. Також можна "
            "попросити когось зателефонувати замість Вас.",
        ),
        "danger": "Вам зараз загрожує небезпека? Телефонуйте 112.",
        "numbers": "Номери, за якими можна зателефонувати:",
    },
    {
        "lang": "es",
        "name": "Español",
        "title": "Puede recibir ayuda",
        "paragraphs": (
            "No tiene que pasar por esto sin ayuda. En los Países Bajos hay personas que pueden ayudarle.",
            "La ayuda es gratuita y confidencial.",
            "Puede llamar a uno de los números de abajo. Puede pedir un intérprete. También puede pedir a otra "
            "persona que llame por usted.",
        ),
        "danger": "¿Está en peligro ahora? Llame al 112.",
        "numbers": "Números a los que puede llamar:",
    },
)

TEXTS_BY_LANG = {text["lang"]: text for text in PERSON_TEXTS}
