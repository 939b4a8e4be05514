"""What the offline provider's cover letters say, per tone: fixed moves and statements of
intent that fill a thin profile's letter up to the minimum length without inventing facts."""

# Per tone: the fixed moves of the letter, plus statements of intent that fill a thin profile's
# letter up to the minimum length without inventing facts. Only the opening names the role:
# the rest says "this role", so the letter never repeats the title.
TONE_PHRASES = {
    "professional": {
        "sign_off": "Sincerely,",
        "open": "I am writing to apply for the {title} role at {company}.",
        "why": [
            "The role's focus on {focus} matches both my experience and the direction I "
            "want my career to take.",
            "This role is the direction I want my career to take.",
            "I would value the opportunity to contribute to the work at {company} and to "
            "grow with its team.",
        ],
        "skills": "My experience covers {skills}, all of which your posting lists for this role.",
        "approach": [
            "I have read the requirements of this role carefully, and I am "
            "prepared to put in the work needed to meet them from the first day.",
            "I take care to understand the goals behind a task before I start, and I "
            "keep colleagues informed as the work progresses.",
        ],
        "close": "I would welcome the opportunity to discuss how my experience could support "
        "{company}.",
        "extra": [
            "Thank you for taking the time to review my application and the enclosed CV.",
            "I am available for an interview at a time that suits you, in person or by video call.",
            "I am happy to provide further detail on any of the work described above, as "
            "well as references on request.",
            "I look forward to hearing from you about the next steps.",
        ],
    },
    "enthusiastic": {
        "sign_off": "Best regards,",
        "open": "I was thrilled to see that {company} is hiring for the {title} role, and I am "
        "eager to apply.",
        "why": [
            "Working on {focus} is exactly the kind of challenge that motivates me, and "
            "this role puts it at the centre.",
            "This role is exactly the kind of challenge that motivates me, and I would "
            "bring real commitment to it.",
            "The chance to help {company} grow while learning from a strong team is "
            "something I would genuinely love.",
        ],
        "skills": "I was especially pleased to see that the role calls for {skills}, because "
        "these are skills I have built up in my own work.",
        "approach": [
            "I bring real energy to new problems, and I enjoy turning a rough idea "
            "into something that works well for the people who use it.",
            "Reading the requirements for this role, I found myself already "
            "thinking about how I would tackle the first few months.",
        ],
        "close": "I would love the chance to talk about how I could help {company} reach its "
        "next goals.",
        "extra": [
            "Thank you so much for considering my application; I am genuinely excited "
            "about this opportunity.",
            "I would be delighted to meet the team, in person or over a video call, at "
            "whatever time works best for you.",
            "If it helps, I would be very happy to share more detail about any of the "
            "projects mentioned above.",
            "I cannot wait to hear from you and to learn more about the role.",
        ],
    },
    "concise": {
        "sign_off": "Kind regards,",
        "open": "Please accept my application for the {title} role at {company}.",
        "why": [
            "The role's focus on {focus} fits my experience well.",
            "This role is where I want to grow.",
            "I want to contribute to {company} and grow with its team.",
        ],
        "skills": "The posting asks for {skills}, and I have used each of them at work.",
        "approach": [
            "I work carefully, communicate clearly and finish what I start.",
            "I have read the requirements of this role and I am ready to meet them.",
            "I learn new tools quickly and ask for feedback early.",
        ],
        "close": "I would be glad to discuss the role in an interview.",
        "extra": [
            "Thank you for reviewing my application and CV.",
            "I am available for an interview at your convenience, in person or online.",
            "I can share further detail on my work, or references, on request.",
            "I look forward to your reply.",
        ],
    },
    "friendly": {
        "sign_off": "Warm regards,",
        "open": "I'd love to join the team at {company} in the {title} role, so I'm happy to "
        "send you my application.",
        "why": [
            "Reading about the work on {focus}, I could easily picture myself fitting "
            "into the team.",
            "Reading about this role, I could easily picture myself growing into it.",
            "I'd really enjoy contributing to what {company} is building and growing "
            "alongside the people there.",
        ],
        "skills": "I noticed the role calls for {skills}, and those are skills I already bring "
        "with me.",
        "approach": [
            "I like working closely with colleagues, asking questions early and "
            "sharing what I learn along the way.",
            "The requirements of this role read like a good next step for me, "
            "and I'm keen to take it.",
        ],
        "close": "It would be great to chat about the role and how I could help the team at "
        "{company}.",
        "extra": [
            "Thanks so much for taking the time to read my application and CV.",
            "I'm happy to meet in person or over a video call, whenever suits you best.",
            "If you'd like more detail on anything I've mentioned, just let me know and "
            "I'll gladly share it.",
            "I'm looking forward to hearing from you.",
        ],
    },
}
# Tone-neutral statements of intent, used only when a very thin profile leaves a letter short.
RESERVE = [
    (0, "I am confident that my background gives me a solid base for this role."),
    (1, "I am keen to keep learning on the job and to take on more responsibility over time."),
    (1, "I value clear communication, reliable delivery and honest feedback in a team."),
    (
        0,
        "I am applying because this role brings together the work I know and the work I want "
        "to do more of.",
    ),
    (
        2,
        "I would approach the first weeks by listening, learning how the team works and taking "
        "on tasks where I can help straight away.",
    ),
    (
        1,
        "When I meet something unfamiliar, I read up on it, try it on a small scale and ask "
        "for a review before relying on it.",
    ),
]
ACTION_VERBS = {
    "led",
    "built",
    "ran",
    "made",
    "won",
    "wrote",
    "grew",
    "cut",
    "drove",
    "set",
    "own",
    "run",
    "lead",
    "build",
    "manage",
    "design",
    "develop",
    "maintain",
    "support",
    "deliver",
    "create",
    "help",
    "handle",
    "oversee",
    "oversaw",
    "taught",
    "brought",
    "kept",
    "sold",
    "took",
    "gave",
    "rebuilt",
    "shipped",
    "write",
    "teach",
    "mentor",
    "coordinate",
}
