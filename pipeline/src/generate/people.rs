//! The cast: the subject's family and its wider circle, other families the service works with,
//! and the professionals who write the records. Also the people records mention whom the export
//! does not list (a new partner, a friend, a neighbour).

use jiff::civil::Date;

use super::identifiers as ids;
use super::rng::Rng;
use super::words;

/// What a citizen is to the subject (or to their own family), or a worker's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Subject,
    Sibling,
    HalfSibling,
    Mother,
    Father,
    MothersPartner,
    Grandmother,
    Grandfather,
    FosterCarer,
    PlacementChild,
    Friend,
    Neighbour,
    /// A parent in another family.
    OtherParent,
    /// A child in another family.
    OtherChild,
    Worker(WorkerRole),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerRole {
    SocialWorker,
    TeamManager,
    Iro,
    Teacher,
    Gp,
    PoliceOfficer,
    PersonalAdviser,
    SupervisingSocialWorker,
    HealthVisitor,
}

impl WorkerRole {
    /// (job title, organisation, team)
    fn post(self) -> (&'static str, String, Option<&'static str>) {
        let council = format!("{} Council Children's Services", words::AUTHORITY);
        match self {
            WorkerRole::SocialWorker => ("Social Worker", council, Some("Safeguarding Team")),
            WorkerRole::TeamManager => ("Team Manager", council, Some("Safeguarding Team")),
            WorkerRole::Iro => (
                "Independent Reviewing Officer",
                council,
                Some("Quality Assurance Service"),
            ),
            WorkerRole::Teacher => (
                "Designated Safeguarding Lead",
                words::SCHOOL_NAMES[0].to_string(),
                None,
            ),
            WorkerRole::Gp => (
                "General Practitioner",
                words::GP_SURGERIES[0].to_string(),
                None,
            ),
            WorkerRole::PoliceOfficer => (
                "Police Constable",
                words::POLICE_FORCE.to_string(),
                Some("Public Protection Unit"),
            ),
            WorkerRole::PersonalAdviser => ("Personal Adviser", council, Some("Leaving Care Team")),
            WorkerRole::SupervisingSocialWorker => (
                "Supervising Social Worker",
                council,
                Some("Fostering Service"),
            ),
            WorkerRole::HealthVisitor => (
                "Health Visitor",
                "Kelmouth Community Health".to_string(),
                None,
            ),
        }
    }

    fn email_domain(self) -> &'static str {
        match self {
            WorkerRole::Teacher => "school.example.org",
            WorkerRole::Gp | WorkerRole::HealthVisitor => "nhs.example.net",
            WorkerRole::PoliceOfficer => "police.example.org",
            _ => "ashbridge-council.example.org",
        }
    }
}

/// Roles the worker pool is filled from, in order (then round again).
const WORKER_ROLES: &[WorkerRole] = &[
    WorkerRole::SocialWorker,
    WorkerRole::Iro,
    WorkerRole::Teacher,
    WorkerRole::Gp,
    WorkerRole::PoliceOfficer,
    WorkerRole::PersonalAdviser,
    WorkerRole::SupervisingSocialWorker,
    WorkerRole::TeamManager,
    WorkerRole::HealthVisitor,
    WorkerRole::SocialWorker,
    WorkerRole::SocialWorker,
    WorkerRole::Teacher,
    WorkerRole::PoliceOfficer,
];

#[derive(Debug, Clone)]
pub struct Person {
    /// Empty for people the export does not list.
    pub id: String,
    pub first: String,
    pub last: String,
    pub aliases: Vec<String>,
    pub dob: Option<Date>,
    pub gender: &'static str,
    pub role: Role,
    /// 0 for the subject's family and circle, 1.. for the other families, `usize::MAX` for workers.
    pub family: usize,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub nhs_number: Option<String>,
    pub ni_number: Option<String>,
    pub upn: Option<String>,
    pub school: Option<&'static str>,
    pub job_title: Option<&'static str>,
    pub organisation: Option<String>,
    pub team: Option<&'static str>,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    pub fn is_worker(&self) -> bool {
        matches!(self.role, Role::Worker(_))
    }

    pub fn listed(&self) -> bool {
        !self.id.is_empty()
    }

    /// "Mrs Carter" / "Mr Carter".
    pub fn title_name(&self) -> String {
        let title = if self.gender == "female" { "Ms" } else { "Mr" };
        format!("{title} {}", self.last)
    }
}

#[derive(Debug)]
pub struct Cast {
    pub people: Vec<Person>,
    /// (from, to, type) as indices into `people`.
    pub relationships: Vec<(usize, usize, &'static str)>,
    pub subject: usize,
    /// People records mention whom the export does not list (indices into `people`).
    pub unlisted: Vec<usize>,
}

impl Cast {
    /// Listed people with this role.
    pub fn with_role(&self, role: Role) -> Vec<usize> {
        (0..self.people.len())
            .filter(|&i| self.people[i].role == role)
            .collect()
    }

    pub fn first_with_role(&self, role: Role) -> Option<usize> {
        self.people.iter().position(|p| p.role == role)
    }

    /// Workers of one role (falls back to any social worker so every record has an author).
    pub fn workers(&self, role: WorkerRole) -> Vec<usize> {
        let found = self.with_role(Role::Worker(role));
        if found.is_empty() {
            self.with_role(Role::Worker(WorkerRole::SocialWorker))
        } else {
            found
        }
    }
}

/// The fewest people (listed, workers included) a cast can be built from.
pub const MIN_PEOPLE: usize = 24;

/// Builds a cast of `total` listed people (at least [`MIN_PEOPLE`]).
pub fn cast(rng: &mut Rng, total: usize, export_date: Date, care_leaver: bool) -> Cast {
    let mut b = Builder {
        rng,
        people: Vec::new(),
        relationships: Vec::new(),
        used_first: Vec::new(),
        next_id: 10_000,
    };
    let year = export_date.year();
    let subject_age = if care_leaver {
        b.rng.between(19, 21)
    } else {
        b.rng.between(9, 13)
    } as i16;
    let family_name = b.surname();
    let father_name = b.surname();
    let home = ids::address(b.rng);
    let subject_dob = b.date_in(year - subject_age);
    let subject_gender = b.gender();

    let mother = b.citizen(
        Role::Mother,
        0,
        "female",
        &family_name,
        b_year(year, subject_age, 22, 34),
        Some(home.clone()),
    );
    let father_home = ids::address(b.rng);
    let father = b.citizen(
        Role::Father,
        0,
        "male",
        &father_name,
        b_year(year, subject_age, 24, 38),
        Some(father_home),
    );
    let subject = b.citizen_on(
        Role::Subject,
        0,
        subject_gender,
        &father_name,
        subject_dob,
        Some(home.clone()),
    );
    let sibling_dob = b.date_in(year - subject_age - 2);
    let sibling_gender = b.gender();
    let sibling = b.citizen_on(
        Role::Sibling,
        0,
        sibling_gender,
        &father_name,
        sibling_dob,
        Some(home.clone()),
    );
    let half_dob = b.date_in(year - subject_age + 6);
    let half_gender = b.gender();
    let partner_name = b.surname();
    let half = b.citizen_on(
        Role::HalfSibling,
        0,
        half_gender,
        &partner_name,
        half_dob,
        Some(home.clone()),
    );
    let partner = b.citizen(
        Role::MothersPartner,
        0,
        "male",
        &partner_name,
        b_year(year, subject_age, 20, 36),
        Some(home.clone()),
    );
    let gran = b.citizen(
        Role::Grandmother,
        0,
        "female",
        &family_name,
        b_year(year, subject_age, 42, 56),
        None,
    );
    let grandad = b.citizen(
        Role::Grandfather,
        0,
        "male",
        &family_name,
        b_year(year, subject_age, 44, 60),
        None,
    );
    let carer_name = b.surname();
    let carer_home = ids::address(b.rng);
    let carer1 = b.citizen(
        Role::FosterCarer,
        0,
        "female",
        &carer_name,
        b_year(year, subject_age, 30, 50),
        Some(carer_home.clone()),
    );
    let carer2 = b.citizen(
        Role::FosterCarer,
        0,
        "male",
        &carer_name,
        b_year(year, subject_age, 30, 52),
        Some(carer_home.clone()),
    );
    let pc_name = b.surname();
    let pc_gender = b.gender();
    let pc_shift = b.rng.between(0, 3) as i16 - 1;
    let pc_dob = b.date_in(year - subject_age + pc_shift);
    let placement_child = b.citizen_on(
        Role::PlacementChild,
        0,
        pc_gender,
        &pc_name,
        pc_dob,
        Some(carer_home),
    );
    let friend_name = b.surname();
    let friend_gender = b.gender();
    let friend_dob = b.date_in(year - subject_age);
    let friend = b.citizen_on(
        Role::Friend,
        0,
        friend_gender,
        &friend_name,
        friend_dob,
        None,
    );
    let neighbour_name = b.surname();
    let neighbour_gender = b.gender();
    let neighbour = b.citizen(
        Role::Neighbour,
        0,
        neighbour_gender,
        &neighbour_name,
        b_year(year, subject_age, 30, 60),
        None,
    );
    b.people[neighbour].address = Some(ids::address(b.rng));
    if b.rng.chance(60) {
        let nick = b.rng.pick(words::NICKNAMES).to_string();
        b.people[subject].aliases.push(nick);
    }
    // A previous surname for the mother (she kept the family name, the children the father's).
    let maiden = b.surname();
    let maiden_name = format!("{} {maiden}", b.people[mother].first);
    b.people[mother].aliases.push(maiden_name);

    for (from, to, kind) in [
        (subject, mother, "mother"),
        (subject, father, "father"),
        (subject, sibling, "sibling"),
        (subject, half, "half-sibling"),
        (subject, partner, "mother's partner"),
        (subject, gran, "maternal grandmother"),
        (subject, grandad, "maternal grandfather"),
        (subject, carer1, "foster carer"),
        (subject, carer2, "foster carer"),
        (subject, placement_child, "other child in placement"),
        (subject, friend, "friend"),
        (sibling, mother, "mother"),
        (sibling, father, "father"),
        (half, mother, "mother"),
        (half, partner, "father"),
        (mother, partner, "partner"),
    ] {
        b.relationships.push((from, to, kind));
    }

    // Workers: about a quarter of the cast, every role at least once.
    let worker_count = (total / 4)
        .max(WORKER_ROLES.len())
        .min(total.saturating_sub(b.people.len() + 3));
    for i in 0..worker_count {
        b.worker(WORKER_ROLES[i % WORKER_ROLES.len()]);
    }

    // Other families fill the rest: a parent and one to three children each.
    let mut family = 1;
    while b.people.len() < total {
        let surname = b.surname();
        let address = ids::address(b.rng);
        let parent_gender = if b.rng.chance(80) { "female" } else { "male" };
        let parent = b.citizen(
            Role::OtherParent,
            family,
            parent_gender,
            &surname,
            b_year(year, 10, 22, 40),
            Some(address.clone()),
        );
        let children = b.rng.between(1, 3) as usize;
        for _ in 0..children.min(total - b.people.len()) {
            let age = b.rng.between(1, 17) as i16;
            let dob = b.date_in(year - age);
            let gender = b.gender();
            let child = b.citizen_on(
                Role::OtherChild,
                family,
                gender,
                &surname,
                dob,
                Some(address.clone()),
            );
            b.relationships.push((
                child,
                parent,
                if parent_gender == "female" {
                    "mother"
                } else {
                    "father"
                },
            ));
        }
        family += 1;
    }

    // Mentioned in records, never listed.
    let mut unlisted = Vec::new();
    for role in [
        Role::MothersPartner,
        Role::Friend,
        Role::Neighbour,
        Role::Friend,
        Role::Grandmother,
    ] {
        let surname = b.surname();
        let gender = match role {
            Role::MothersPartner => "male",
            Role::Grandmother => "female",
            _ => b.gender(),
        };
        let idx = b.citizen(
            role,
            0,
            gender,
            &surname,
            b_year(year, subject_age, 15, 40),
            None,
        );
        b.people[idx].id.clear();
        unlisted.push(idx);
    }
    Cast {
        people: b.people,
        relationships: b.relationships,
        subject,
        unlisted,
    }
}

/// A birth year for an adult `from..=to` years older than the subject.
fn b_year(export_year: i16, subject_age: i16, from: u64, to: u64) -> (i16, u64, u64) {
    (export_year - subject_age, from, to)
}

struct Builder<'a> {
    rng: &'a mut Rng,
    people: Vec<Person>,
    relationships: Vec<(usize, usize, &'static str)>,
    used_first: Vec<String>,
    next_id: u32,
}

impl Builder<'_> {
    fn surname(&mut self) -> String {
        self.rng.pick(words::SURNAMES).to_string()
    }

    fn gender(&mut self) -> &'static str {
        if self.rng.chance(50) {
            "female"
        } else {
            "male"
        }
    }

    /// A first name nobody else in the cast has, so a first name identifies one person.
    fn first_name(&mut self, gender: &str) -> String {
        let list = if gender == "female" {
            words::FEMALE_FIRST
        } else {
            words::MALE_FIRST
        };
        for _ in 0..50 {
            let name = self.rng.pick(list).to_string();
            if !self.used_first.contains(&name) {
                self.used_first.push(name.clone());
                return name;
            }
        }
        // Lists exhausted (very large casts): repeats are realistic anyway.
        self.rng.pick(list).to_string()
    }

    fn date_in(&mut self, year: i16) -> Date {
        let month = self.rng.between(1, 12) as i8;
        let day = self.rng.between(1, 28) as i8;
        Date::new(year, month, day).unwrap_or_default()
    }

    fn next_person_id(&mut self, prefix: &str) -> String {
        self.next_id += 1 + self.rng.below(7) as u32;
        format!("{prefix}-{}", self.next_id)
    }

    /// An adult born `from..=to` years before the subject.
    fn citizen(
        &mut self,
        role: Role,
        family: usize,
        gender: &'static str,
        surname: &str,
        born: (i16, u64, u64),
        address: Option<String>,
    ) -> usize {
        let (subject_year, from, to) = born;
        let year = subject_year - self.rng.between(from, to) as i16;
        let dob = self.date_in(year);
        let idx = self.citizen_on(role, family, gender, surname, dob, address);
        let p = &mut self.people[idx];
        p.upn = None;
        p.school = None;
        idx
    }

    fn citizen_on(
        &mut self,
        role: Role,
        family: usize,
        gender: &'static str,
        surname: &str,
        dob: Date,
        address: Option<String>,
    ) -> usize {
        // The circle around the subject is known by name only.
        let with_ids = !matches!(role, Role::PlacementChild | Role::Friend | Role::Neighbour);
        let first = self.first_name(gender);
        let id = self.next_person_id("P");
        let adult = matches!(
            role,
            Role::Mother
                | Role::Father
                | Role::MothersPartner
                | Role::Grandmother
                | Role::Grandfather
                | Role::FosterCarer
                | Role::Neighbour
                | Role::OtherParent
        );
        let mut p = Person {
            id,
            first,
            last: surname.to_string(),
            aliases: Vec::new(),
            dob: Some(dob),
            gender,
            role,
            family,
            address,
            phone: None,
            email: None,
            nhs_number: None,
            ni_number: None,
            upn: None,
            school: None,
            job_title: None,
            organisation: None,
            team: None,
        };
        if with_ids {
            p.nhs_number = Some(ids::nhs_number(self.rng));
            if adult {
                p.phone = Some(ids::mobile(self.rng));
                p.ni_number = Some(ids::ni_number(self.rng));
                if self.rng.chance(60) {
                    p.email = Some(ids::personal_email(self.rng, &p.first, &p.last));
                }
            } else {
                p.upn = Some(ids::upn(self.rng, 887, dob.year() as i32 + 5));
                p.school = Some(*self.rng.pick(words::SCHOOL_NAMES));
            }
        }
        self.people.push(p);
        self.people.len() - 1
    }

    fn worker(&mut self, role: WorkerRole) -> usize {
        let gender = self.gender();
        let first = self.first_name(gender);
        let last = self.surname();
        let (title, org, team) = role.post();
        let id = self.next_person_id("W");
        let email = ids::work_email(&first, &last, role.email_domain());
        let phone = ids::landline(self.rng);
        self.people.push(Person {
            id,
            first,
            last,
            aliases: Vec::new(),
            dob: None,
            gender,
            role: Role::Worker(role),
            family: usize::MAX,
            address: None,
            phone: Some(phone),
            email: Some(email),
            nhs_number: None,
            ni_number: None,
            upn: None,
            school: None,
            job_title: Some(title),
            organisation: Some(org),
            team,
        });
        self.people.len() - 1
    }
}
