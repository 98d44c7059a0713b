"""Small word lists the analysis rules read.

They are deliberately short: enough for English news copy, easy to audit,
and cheap to test membership in. Everything is lower case; callers compare
with ``word.lower()``.
"""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "CITIES",
    "COUNTRIES",
    "DESCRIPTORS",
    "EVENT_WORDS",
    "LOC_WORDS",
    "MISC_WORDS",
    "MONTHS",
    "NAME_PARTICLES",
    "NATIONALITIES",
    "NOT_NAMES",
    "NOT_ORGS",
    "ORG_NOUNS",
    "ORG_WORDS",
    "ROLE_WORDS",
    "SENTENCE_STARTERS",
    "SPEECH_VERBS",
    "STOPWORDS",
    "TITLES",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _places(text: str) -> frozenset[str]:
    return frozenset(name.strip().lower() for name in text.split(","))


# Words after which a full stop does not end a sentence.
ABBREVIATIONS = _words(
    "mr mrs ms dr prof st sr jr mt ft no nos vs etc e.g i.e approx dept est gen gov lt col "
    "sgt capt cmdr rev hon fig jan feb mar apr jun jul aug sep sept oct nov dec "
    "mon tue tues wed thu thurs fri sat sun inc ltd co corp bros pp p vol ed sen sens rep reps "
    "atty supt asst"
)

# Words that usually open a sentence: after "U.S." or "Inc." they signal a new one.
SENTENCE_STARTERS = _words(
    "the a an he she it they we i you his her its their this that these those but and "
    "so yet however in on at for after before when while if there here what why how "
    "some many most no one many"
)

MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)

# Abbreviated titles closing a run before their name: "Former Arizona Gov. Jan Brewer".
TITLE_ABBREVIATIONS = _words(
    "gov sen sens rep reps gen lt col sgt capt cmdr adm atty supt asst pres hon rev"
)
# Party words before a name: "Republican Donald Trump" is Donald Trump.
PARTIES = _words("republican democrat democratic gop independent")
# Function words a title-case headline capitalises ("Response To Trump"), never inside a name.
FUNCTION_WORDS = _words(
    "the a an in on at to from by with and or but if as is it its this that are was were be "
    "his her their our my your has have had will i because although though unless until "
    "whether while when where after before since"
)

# Honorifics and role nouns: "Prime Minister Fumio Kishida" is Fumio Kishida.
TITLES = _words("mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame lord lady rev rev. mx")
ROLE_WORDS = _words(
    "president minister secretary chancellor mayor governor senator congressman "
    "congresswoman representative ambassador commissioner chairman chairwoman chair "
    "chairperson director executive ceo founder co-founder chief head leader "
    "spokesperson spokesman spokeswoman professor detective inspector sergeant officer "
    "constable superintendent captain general colonel judge justice lawyer attorney "
    "analyst economist author writer novelist actor actress singer star director "
    "manager coach captain striker player farmer resident visitor campaigner activist "
    "parent pharmacist engineer librarian customer teacher nurse doctor surgeon "
    "consultant scientist researcher volcanologist partner owner organiser organizer "
    "chancellor premier king queen prince princess pope bishop archbishop "
    "mp senator deputy vice prosecutor investor trader worker official "
    "editor reporter correspondent critic historian expert witness victim survivor "
    "headteacher headmaster headmistress principal negotiator scientist runner"
)
# Generic nouns before an organisation's name: "Carmaker Rheinwerk AG".
DESCRIPTORS = _words(
    "carmaker automaker company firm startup start-up retailer airline broadcaster "
    "group insurer lender bank service platform publisher brewer miner chipmaker "
    "newspaper agency regulator club team band charity operator journal magazine "
    "broadcaster website app manufacturer supermarket chain outlet"
)

ORG_WORDS = _words(
    "inc inc. ltd ltd. llc plc ag gmbh sa nv corp corp. co co. company corporation group "
    "holdings partners bank ministry department office agency authority council "
    "committee commission university institute college school hospital court "
    "association union federation confederation party parliament assembly "
    "congress senate police army navy reserve fund foundation trust organisation "
    "organization board bureau service services network news times post press "
    "airlines airways motors energy industries systems technologies labs theatre "
    "theater museum library club league tribunal government administration "
    "communications media records studios stadium airport station house commons "
    "management capital securities nations air semiconductor semiconductors "
    "pharmaceuticals electronics "
    # news outlets: "Metro Wire", "The Washington Informer"
    "wire journal tribune herald gazette informer courier observer chronicle telegraph "
    "examiner inquirer dispatch"
)
# Acronyms that name no organisation.
NOT_ORGS = _words("gdp ceo cfo ai ev evs tv gmt utc covid dna uk us eu km mph vat ipo pm am")
ORG_NOUNS = _words(
    "company bank court ministry agency authority council union department office "
    "government airline firm group institute university report statement study "
    "ruling organisation organization federation association party "
    "commission committee regulator police board service library museum"
)
LOC_WORDS = _words(
    "street road avenue square river lake sea ocean mountain mountains "
    "valley bay coast island islands peninsula lagoon hills gulf strait canal "
    "desert forest province region county district canton state "
    "san santa los las fort port mount"  # first words of places: "San Diego", "Fort Worth"
)
# Last words of a place that a person's name may start with ("Park Geun-hye", "Hall Caine").
LOC_ENDINGS = _words("park plaza beach bridge center centre hall tower arena square")
MISC_WORDS = _words("award prize medal")
EVENT_WORDS = _words("cup festival games championship championships olympics war summit expo")

COUNTRIES = _places(
    "Afghanistan,Albania,Algeria,Argentina,Armenia,Australia,Austria,Azerbaijan,"
    "Bangladesh,Belarus,Belgium,Bolivia,Bosnia,Brazil,Britain,Bulgaria,Cambodia,"
    "Cameroon,Canada,Chile,China,Colombia,Congo,Croatia,Cuba,Cyprus,Czechia,Denmark,"
    "Ecuador,Egypt,England,Estonia,Ethiopia,Finland,France,Georgia,Germany,Ghana,"
    "Greece,Guatemala,Haiti,Honduras,Hungary,Iceland,India,Indonesia,Iran,Iraq,"
    "Ireland,Israel,Italy,Jamaica,Japan,Jordan,Kazakhstan,Kenya,Kosovo,Kuwait,Latvia,"
    "Lebanon,Libya,Lithuania,Luxembourg,Malaysia,Mali,Malta,Mexico,Moldova,Mongolia,"
    "Montenegro,Morocco,Mozambique,Myanmar,Nepal,Netherlands,New Zealand,Nicaragua,"
    "Niger,Nigeria,North Korea,Norway,Pakistan,Palestine,Panama,Paraguay,Peru,"
    "Philippines,Poland,Portugal,Qatar,Romania,Russia,Rwanda,Saudi Arabia,Scotland,"
    "Senegal,Serbia,Singapore,Slovakia,Slovenia,Somalia,South Africa,South Korea,"
    "Spain,Sri Lanka,Sudan,Sweden,Switzerland,Syria,Taiwan,Tanzania,Thailand,Tunisia,"
    "Turkey,Uganda,Ukraine,United Kingdom,United States,Uruguay,Uzbekistan,Venezuela,"
    "Vietnam,Wales,Yemen,Zambia,Zimbabwe,US,USA,UK,U.S.,U.K.,America"
)
CITIES = _places(
    "Amsterdam,Athens,Bangkok,Barcelona,Beijing,Beirut,Berlin,Bern,Bonn,Brussels,"
    "Budapest,Buenos Aires,Cairo,Chicago,Copenhagen,Delhi,New Delhi,Dubai,Dublin,"
    "Edinburgh,Frankfurt,Geneva,Hamburg,Helsinki,Hong Kong,Istanbul,Jakarta,"
    "Jerusalem,Johannesburg,Kabul,Kyiv,Kraków,Lagos,Lausanne,Leeds,Lima,Lisbon,"
    "London,Los Angeles,Madrid,Manchester,Manila,Melbourne,Mexico City,Milan,"
    "Montreal,Moscow,Mumbai,Munich,Nairobi,New York,Oslo,Ottawa,Paris,Prague,"
    "Rome,San Francisco,Santiago,Seoul,Shanghai,Singapore,Stockholm,Sydney,Taipei,"
    "Tehran,Tel Aviv,Tokyo,Toronto,Vancouver,Vienna,Warsaw,Washington,Zurich,"
    "Glasgow,Birmingham,Liverpool,Bristol,Cardiff,Belfast,Marseille,Lyon,Rotterdam,"
    "Antwerp,Cologne,Stuttgart,Naples,Turin,Seville,Valencia,Porto,Gdansk,Izmir,"
    "Ankara,Karachi,Lahore,Dhaka,Kolkata,Chennai,Bangalore,Osaka,Kyoto,Busan,"
    "Boston,Miami,Houston,Dallas,Atlanta,Seattle,Denver,Philadelphia,Detroit,"
    "Reykjavik,Marrakesh,Casablanca,Tunis,Algiers,Accra,Addis Ababa,Khartoum,Riyadh"
)

# Capitalised words that are never (part of) a name on their own.
NOT_NAMES = _words(
    "the a an in on at of for to from by with and or but if as is it its this that these "
    "those he she they we i you his her their our my your there here when while after "
    "before since during under over about around among across into onto upon some many "
    "most more less every each all any no not one two three four five six seven eight "
    "nine ten also then yet so still even only just what why how who which where "
    "because although though unless until whether "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
    "mr mrs ms dr prof sir january february march april june july august september october "
    "november december"
)

NATIONALITIES = _words(
    "american british english scottish welsh irish french german dutch belgian swiss "
    "austrian italian spanish portuguese greek polish czech hungarian romanian russian "
    "ukrainian swedish norwegian danish finnish icelandic turkish israeli palestinian "
    "lebanese syrian iraqi iranian saudi egyptian moroccan nigerian kenyan ghanaian "
    "ethiopian indian pakistani afghan chinese japanese korean taiwanese vietnamese thai "
    "indonesian filipino australian canadian mexican brazilian argentine argentinian "
    "chilean colombian peruvian venezuelan cuban european african asian arab latin"
)
NAME_PARTICLES = _words("de van von der den da del della di du la le bin al ibn y")

STOPWORDS = _words(
    "a an the and or but if of to in on at by for with from as is are was were be been "
    "being it its this that these those he she they we i you his her their our my your "
    "them him us me not no so than then there here which who whom what when where why how "
    "all any each some such into over under about after before also just only very more "
    "most other can could will would should may might must do does did has have had "
    "said says say told"
)

SPEECH_VERBS = _words(
    "said says say told tells tell call added adds asked asks wrote writes warned warns "
    "insisted insists explained explains stated states read reads called calls "
    "described describes urged urges argued argues claimed claims noted notes recalled "
    "recalls replied replies admitted admits announced announces declared declares "
    "complained complains cautioned cautions continued continues praised praises "
    "acknowledged acknowledges conceded concedes suggested suggests promised promises "
    "vowed vows pledged pledges stressed stresses predicted predicts concluded concludes "
    "posted posts tweeted tweets responded responds shouted shouts joked jokes "
    "observed observes remarked remarks confirmed confirms countered counters "
    "whispered whispers"
)

# Speech and cue verbs beyond SPEECH_VERBS that attribute a quote in news copy, and the
# participles that hand a quote to the clause's subject (", saying “…”").
CUE_VERBS = SPEECH_VERBS | _words(
    "dubbed dubs labeled labelled labels branded brands termed terms deemed quipped quips "
    "boasted boasts blasted blasts slammed slams mocked mocks criticized criticised criticizes "
    "accused accuses charged charges asserted asserts contended contends maintained "
    "maintains lamented laments emphasized emphasised emphasizes testified testifies "
    "proclaimed proclaims reiterated reiterates recounted recounts retorted retorts "
    "answered answers agreed agrees chanted chant chants yelled yells screamed screams "
    "cried cries pleaded pleads wondered wonders demanded demands touted touts "
    "characterized characterised characterizes hailed hails decried decries denounced "
    "denounces ask write dubbing labeling labelling branding calling saying telling adding "
    "writing describing noting arguing warning insisting asking declaring tweeting joking "
    "explaining urging claiming stating promising vowing adding predicting quoting quoted "
    "quotes mused muses scoffed scoffs sniped snipes thundered exclaimed exclaims "
    "opined opines advised advises assured assures informed informs reminded reminds "
    "nicknamed described referred wrote reported reports reporting "
    "elaborated elaborates interjected protested reasoned bragged brags confided objected "
    "echoed speculated texted emailed lectured scolded griped grumbled implored"
)
# Cue words that are plural nouns after "the", "his", "Trump's": "the claims", "his remarks".
NOUN_LIKE_CUES = frozenset(w for w in CUE_VERBS if w.endswith("s") and w not in {"says", "tells"})
# Common verbs of a sentence's main clause that no cue list holds: "Trump lashed out, saying".
MAIN_VERBS = _words(
    "is was are were has had have will would can could may might must shall should "
    "began begins took takes went goes made makes gave gives spoke speaks came comes got gets "
    "led leads ran runs sat stood held holds kept keeps left leaves met meets put puts saw sees "
    "set sets sent sends won wins lost loses paid pays brought brings thought thinks felt "
    "feels knew knows found finds became becomes appeared appears seemed seems"
)
PARTICIPLES = frozenset(w for w in CUE_VERBS if w.endswith("ing"))
# Words between a subject and its verb: "Smith also told", "the senator has said".
VERB_PREFIXES = _words(
    "also later then previously once again repeatedly recently further only just publicly "
    "privately often never even still has have had would will did does do had was were is "
    "are been being be "
    "reportedly frequently simply quickly flatly angrily bluntly quietly immediately later "
    "since subsequently initially originally earlier first last"
)
# Words that end a subject phrase scanned backwards from its verb.
CLAUSE_WORDS = _words(
    "that which who whom whose when where while because as if but so than though although "
    "after before since until unless whether and or nor what how why is was are were be "
    "been being has have had do does did said says told tells added wrote according "
    "there here then also not to in on by into onto during over under through about against "
    "between among without within upon like per via despite"
)
# Prepositions that attach inside a source phrase: "a spokesman for the company".
ATTACHING = _words("of for at from with")
DETERMINERS = _words(
    "the a an his her its their our my your this that these those one some many several "
    "two three four five six seven eight nine ten both each another other most few"
)
TIME_WORDS = _words(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
    "tonight morning afternoon evening night week weekend month year earlier later ago "
    "recently now last next this"
)
US_STATES = _places(
    "Alabama,Alaska,Arizona,Arkansas,California,Colorado,Connecticut,Delaware,Florida,"
    "Hawaii,Idaho,Illinois,Indiana,Iowa,Kansas,Kentucky,Louisiana,Maine,Maryland,"
    "Massachusetts,Michigan,Minnesota,Mississippi,Missouri,Montana,Nebraska,Nevada,"
    "New Hampshire,New Jersey,New Mexico,New York,North Carolina,North Dakota,Ohio,"
    "Oklahoma,Oregon,Pennsylvania,Rhode Island,South Carolina,South Dakota,Tennessee,Texas,"
    "Utah,Vermont,Virginia,Washington,West Virginia,Wisconsin,Wyoming,Puerto Rico"
)
# Words that open a phrase before the subject: "In an interview, …", "Asked why, …".
OPENING_WORDS = _words(
    "at of for from with according asked however meanwhile still yet instead later "
    "earlier separately similarly likewise indeed now"
)
PREPOSITIONS = _words("in on at of for from with by during after before into")
# Words after which a cue like "claims" is a noun: "all of the claims", "his remarks".
NOUN_MARKERS = _words(
    "of in on to by with for his her their its our my your such all no any new recent "
    "public own air"
)
# Things that speak in news copy without being people: "the statement said".
DOCUMENTS = _words(
    "statement report study ruling letter memo email ad advertisement post tweet release "
    "filing complaint lawsuit suit petition order indictment poll survey document"
)
