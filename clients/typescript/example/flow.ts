// A job seeker's whole flow against a running server, written as a frontend would write it:
// register, sign in, extract a job, write the profile, draft a CV, read its match, edit it,
// list its versions, export it, write a cover letter, stream one, and read the usage.
//
//   node build/example/flow.js http://127.0.0.1:8000
//
// No casts and no `any`: every answer is typed by the generated schema.
import {
  apiClient,
  fileNameOf,
  letterEvents,
  quotaOf,
  type ApiClient,
  type Schemas,
} from "../src/client.js";

const baseUrl = process.argv[2] ?? "http://127.0.0.1:8000";

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`Unexpected: ${what}`);
}

function failed(step: string, error: Schemas["ErrorEnvelope"] | undefined): never {
  throw new Error(`${step} failed: ${error?.error_code ?? "?"} ${error?.message ?? ""}`);
}

const PROFILE: Schemas["ProfileWriteRequest"]["data"] = {
  basics: {
    name: "Ada Lovelace",
    email: "ada@example.com",
    label: "Backend engineer",
    location: { city: "London", countryCode: "GB" },
    profiles: [{ network: "GitHub", username: "ada" }],
  },
  work: [
    {
      name: "Analytical Engines Ltd",
      position: "Python Developer",
      startDate: "2019-01",
      highlights: ["Built Django APIs on PostgreSQL"],
    },
  ],
  skills: [{ name: "Python" }, { name: "Django" }, { name: "PostgreSQL" }],
};

const POSTING =
  "Senior Backend Engineer\nCompany: Acme Freight\nLocation: London, UK\n\n" +
  "You will build the Django REST APIs behind our freight network.\n" +
  "Requirements: 5+ years of Python; Django and PostgreSQL; AWS.";

async function signUp(): Promise<ApiClient> {
  const anonymous = apiClient(baseUrl);
  const username = `ada${Date.now()}`;
  const password = "plum-Orchard-77";
  const registered = await anonymous.POST("/api/v1/auth/register", {
    body: { username, email: `${username}@example.com`, password },
  });
  if (!registered.data) failed("register", registered.error);
  console.log(`registered ${registered.data.data.user.username}`);

  const signedIn = await anonymous.POST("/api/v1/auth/token", { body: { username, password } });
  if (!signedIn.data) failed("token", signedIn.error);
  return apiClient(baseUrl, signedIn.data.data.token);
}

async function main(): Promise<void> {
  const api = await signUp();

  const extracted = await api.POST("/api/v1/job-extractor/extract", { body: { text: POSTING } });
  if (!extracted.data) failed("extract", extracted.error);
  const job = extracted.data.data;
  const quota = quotaOf(extracted.response);
  check(quota.plan !== null, "an AI answer carries the quota headers");
  console.log(`job ${job.id}: ${job.title} at ${job.company}; quota plan ${quota.plan}`);

  const profile = await api.PUT("/api/v1/profile", { body: { data: PROFILE } });
  if (!profile.data) failed("profile", profile.error);
  console.log(`profile version ${profile.data.data.version}`);

  const drafted = await api.POST("/api/v1/cv-drafter/draft", { body: { job_id: job.id } });
  if (!drafted.data) failed("draft", drafted.error);
  const cv = drafted.data.data;
  console.log(`CV ${cv.id} by ${cv.provider}, match ${cv.match.score}%`);

  const match = await api.GET("/api/v1/cvs/{draft_id}/match", {
    params: { path: { draft_id: cv.id }, query: { job_id: job.id } },
  });
  if (!match.data) failed("match", match.error);
  console.log(`missing: ${match.data.data.missing.map((term) => term.term).join(", ")}`);

  const edited = await api.PATCH("/api/v1/cvs/{draft_id}", {
    params: { path: { draft_id: cv.id } },
    body: { content: { summary: "Backend engineer who builds Django APIs on PostgreSQL." } },
  });
  if (!edited.data) failed("edit", edited.error);
  check(edited.data.data.version === 2, "an edit is the next version");

  const versions = await api.GET("/api/v1/cvs/{draft_id}/versions", {
    params: { path: { draft_id: cv.id } },
  });
  if (!versions.data) failed("versions", versions.error);
  console.log(`versions: ${versions.data.data.results.map((v) => v.number).join(", ")}`);

  const exported = await api.GET("/api/v1/cvs/{draft_id}/export", {
    params: { path: { draft_id: cv.id }, query: { format: "md" } },
    parseAs: "text",
  });
  if (exported.data === undefined) failed("export", exported.error);
  const fileName = fileNameOf(exported.response);
  check(fileName !== null && fileName.endsWith(".md"), "the export names its file");
  console.log(`exported ${fileName} (${exported.data.length} characters)`);

  const background = await api.POST("/api/v1/cv-drafter/draft/async", {
    body: { job_id: job.id, force: true },
  });
  if (!background.data) failed("draft in the background", background.error);
  const task = await pollTask(api, background.data.data.task_id);
  if (task.kind === "cv_draft" && task.result !== null) {
    console.log(`background CV ${task.result.id}, ${task.result.content.experience.length} jobs`);
  } else {
    failed("background task", undefined);
  }

  const letter = await api.POST("/api/v1/cover-letter/generate", {
    body: { job_id: job.id, tone: "enthusiastic" },
  });
  if (!letter.data) failed("letter", letter.error);
  console.log(`letter ${letter.data.data.id}: ${letter.data.data.content.subject}`);

  await streamLetter(api, job.id);

  const usage = await api.GET("/api/v1/usage");
  if (!usage.data) failed("usage", usage.error);
  const { today, remaining } = usage.data.data;
  console.log(`today: ${today.calls} calls, $${today.cost_usd}; tokens left today: ${remaining.daily_tokens ?? "unlimited"}`);

  const wrong = await api.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: 999999999 } } });
  check(wrong.error?.error_code === "NOT_FOUND", "another job is NOT_FOUND");
  console.log("flow complete");
}

async function pollTask(api: ApiClient, taskId: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const polled = await api.GET("/api/v1/tasks/{task_id}", {
      params: { path: { task_id: taskId } },
    });
    if (!polled.data) failed("task", polled.error);
    const task = polled.data.data;
    if (task.status === "succeeded" || task.status === "failed") return task;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`task ${taskId} did not finish`);
}

async function streamLetter(api: ApiClient, jobId: number): Promise<void> {
  const streamed = await api.POST("/api/v1/cover-letter/generate/stream", {
    body: { job_id: jobId, tone: "concise" },
    parseAs: "stream",
  });
  // openapi-fetch hands the body over unread with parseAs "stream".
  const body = streamed.response.body;
  if (!streamed.response.ok || body === null) failed("stream", streamed.error);
  check(quotaOf(streamed.response).plan !== null, "the stream's answer carries the quota");
  let text = "";
  for await (const event of letterEvents(body)) {
    switch (event.event) {
      case "start":
        console.log(`streaming from ${event.data.provider} (${event.data.model})`);
        break;
      case "delta":
        text += event.data.text;
        break;
      case "done":
        check(event.data.text === text, "the deltas together are the saved letter's text");
        console.log(`streamed letter ${event.data.id}: ${text.length} characters`);
        return;
      case "error":
        throw new Error(`stream broke off: ${event.data.error_code} ${event.data.message}`);
    }
  }
  throw new Error("the stream ended without done or error");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
