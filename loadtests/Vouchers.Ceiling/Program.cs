// The fastest HTTP answer this box can give: no auth, no JSON, no database. Every figure in docs/BENCHMARKS.md is
// also read as a fraction of what this endpoint sustains under the same load generator.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
app.MapGet("/ping", () => "pong");
app.Run();
