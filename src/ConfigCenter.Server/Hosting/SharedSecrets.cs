using System.Xml.Linq;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// Secrets every replica must share, kept in the database when the store is PostgreSQL (replicas share no directory): the
/// HMAC key of <see cref="Features.Auth.SecretHasher"/> and the data-protection key ring (cookies, antiforgery tokens).
/// The first replica that needs a secret creates it; a racing replica's insert fails on the primary key and it reads the
/// winner's, so all replicas end with the same bytes.
/// </summary>
internal sealed class SharedSecrets(IDbContextFactory<ConfigCenterDbContext> dbFactory, TimeProvider time) : IXmlRepository
{
    public const string SecretHashKeyName = "secret-hash-key";
    private const string DataProtectionPrefix = "data-protection/";

    /// <summary>The secret called <paramref name="name"/>, created from <paramref name="create"/> when no replica has yet.</summary>
    public byte[] GetOrCreate(string name, Func<byte[]> create)
    {
        using var db = dbFactory.CreateDbContext();
        if (db.ServerSecrets.AsNoTracking().FirstOrDefault(s => s.Name == name) is { } existing) return existing.Value;
        db.ServerSecrets.Add(new ServerSecretEntity { Name = name, Value = create(), CreatedAt = time.GetUtcNow() });
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException) when (db.ServerSecrets.AsNoTracking().Any(s => s.Name == name))
        {
            // Another replica created it first: fall through and use theirs.
        }
        using var reread = dbFactory.CreateDbContext();
        return reread.ServerSecrets.AsNoTracking().First(s => s.Name == name).Value;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = dbFactory.CreateDbContext();
        return db.ServerSecrets.AsNoTracking()
            .Where(s => s.Name.StartsWith(DataProtectionPrefix))
            .OrderBy(s => s.CreatedAt)
            .AsEnumerable()
            .Select(s => XElement.Parse(System.Text.Encoding.UTF8.GetString(s.Value)))
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var db = dbFactory.CreateDbContext();
        var name = DataProtectionPrefix + (string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName);
        db.ServerSecrets.Add(new ServerSecretEntity
        {
            Name = name,
            Value = System.Text.Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)),
            CreatedAt = time.GetUtcNow(),
        });
        db.SaveChanges();
    }
}
