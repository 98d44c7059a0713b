"""Which pronoun a person takes, when the text or a common first name says.

Called by :mod:`.pronouns` so that "she said" skips the man named last.
Pure; never raises. The evidence, strongest first: an honorific before any
mention ("Mr.", "Ms."), a gendered role ("spokeswoman", "congressman"), and a
short list of common first names. Anything else is unknown, which agrees with
both "he" and "she".
"""

from __future__ import annotations

__all__ = ["HONORIFICS", "gender_of_first_name", "gender_of_role"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = {
    "mr": "m", "mr.": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m",
    "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "dame": "f", "lady": "f",
    "queen": "f", "princess": "f",
}  # fmt: skip

_FEMININE_ROLES = _words(
    "spokeswoman congresswoman chairwoman businesswoman actress mother wife daughter sister "
    "grandmother widow woman girl aunt niece queen princess duchess countess sportswoman "
    "councilwoman assemblywoman anchorwoman policewoman stateswoman first-lady"
)
_MASCULINE_ROLES = _words(
    "spokesman congressman chairman businessman actor father husband son brother "
    "grandfather widower man boy uncle nephew king prince duke count sportsman councilman "
    "assemblyman anchorman policeman statesman"
)

_FEMALE_NAMES = _words(
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa "
    "betty margaret sandra ashley kimberly emily donna michelle carol amanda melissa deborah "
    "stephanie rebecca laura sharon cynthia kathleen amy shirley angela helen anna brenda "
    "pamela nicole samantha katherine emma ruth christine catherine debra rachel carolyn "
    "janet virginia maria heather diane julie joyce victoria kelly christina joan evelyn "
    "lauren judith olivia frances martha cheryl megan andrea hannah jacqueline ann jean "
    "alice kathryn gloria teresa doris sara janice julia marie madison grace judy theresa "
    "beverly denise marilyn amber danielle abigail brittany rose diana natalie sophia "
    "alexis lori kayla jane hillary hilary nikki sheila carly elizabeth nancy condoleezza "
    "michele kellyanne ivanka melania chelsea huma donna debbie kirsten dianne claire "
    "tammy jeanne loretta janet valerie susana jill sonia ruth elena sonia kamala "
    "angela theresa nicola hope sarah tulsi jennifer sally katie kate jen liz beth "
    "lindsey megyn mika rachel gretchen ayanna ilhan alexandria marsha mazie patty "
    "heidi maggie jeanine meghan jane joni shelley lisa susan barbara ann elaine"
)
_MALE_NAMES = _words(
    "james robert john michael william david richard joseph thomas charles christopher "
    "daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian "
    "george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan "
    "stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick "
    "raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter "
    "kyle walter ethan jeremy harold keith christian roger noah gerald carl terry sean "
    "austin arthur lawrence jesse dylan bryan joe jordan billy bruce albert willie gabriel "
    "logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby "
    "philip johnny barack bernie ted marco jeb ben rand chris mike bill hugh mitch "
    "reince newt rudy rick lindsey harry chuck tim jim tom bob dick al barney rahm "
    "vladimir xi recep benjamin francois emmanuel boris nigel angus corey steve sean "
    "jared eric kevin paul marco martin jeff josh ron rod lloyd chad jon dan dave doug "
    "greg ken pete sam tony trey jason jake wolf anderson sean mark elliott cory"
)


def gender_of_first_name(word: str) -> str | None:
    """'m', 'f' or ``None`` for a first name ("Hillary" → 'f')."""
    low = word.lower()
    if low in _FEMALE_NAMES and low not in _MALE_NAMES:
        return "f"
    if low in _MALE_NAMES and low not in _FEMALE_NAMES:
        return "m"
    return None


def gender_of_role(words: str) -> str | None:
    """'m', 'f' or ``None`` for a role or honorific ("the spokeswoman" → 'f')."""
    for word in reversed(words.lower().split()):
        word = word.strip(",.")
        if word in HONORIFICS:
            return HONORIFICS[word]
        if word in _FEMININE_ROLES:
            return "f"
        if word in _MASCULINE_ROLES:
            return "m"
    return None
