using Edge.Security;

namespace Edge.Tests.Security;

/// <summary>
/// bcrypt verification against hashes made by other implementations: Apache's htpasswd -B (the
/// tool Traefik's basicAuth docs use) and the OpenBSD test vectors every bcrypt port checks.
/// </summary>
public class BcryptTests
{
    [Test]
    // htpasswd -nbB -C 4 u <password> (apache2-utils 2.4, $2y$)
    [Arguments("", "$2y$04$0mdBJAN3XyGzDZT85nrxM.yV.UuEr1O7xlhWqxLbM9P8XfBj2qyJ2")]
    [Arguments("a", "$2y$04$11tYSHCZyWQbpRF4f2g8.OovWh8dOnGtW/W4JwjGU6jxQpFbpgBBG")]
    [Arguments("abc", "$2y$04$5Eauy99OhKai3FDtZMXQjuFBOf8hbHz6Hf5gWLPNI4Hi56ufhLY3W")]
    [Arguments("correct horse battery staple", "$2y$04$LlLYmGyDXTrmIYUK2ZaSxedOlRzDQb9l7cl6TpZHoNFeXuAF8oeoy")]
    [Arguments("pässwörd", "$2y$04$O6Cj9BDF2FyA9eq8PnlJTebZIMvKTzj2dudi4LT8WX88UY75SJ/ri")]
    // OpenBSD's / jBCrypt's vectors ($2a$, cost 6)
    [Arguments("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [Arguments("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    public async Task A_password_matches_its_hash_and_nothing_else_does(string password, string hash)
    {
        await Assert.That(Bcrypt.Problem(hash)).IsNull();
        await Assert.That(Bcrypt.Verify(password, hash)).IsTrue();
        await Assert.That(Bcrypt.Verify(password + "x", hash)).IsFalse();
        await Assert.That(Bcrypt.Verify(password.ToUpperInvariant() + "A", hash)).IsFalse();
        // The $2b$ spelling of the same hash is the same algorithm.
        await Assert.That(Bcrypt.Verify(password, "$2b$" + hash[4..])).IsTrue();
    }

    [Test]
    public async Task Only_the_first_72_bytes_of_a_password_count_as_in_every_bcrypt()
    {
        // htpasswd -nbB -C 5 u <80 x>
        const string hash = "$2y$05$HxBSdX9sXGEqNpmoCw.8Y.ae9leo1XFTzT/czOw7FVC60brmH1VlO";
        await Assert.That(Bcrypt.Verify(new string('x', 80), hash)).IsTrue();
        await Assert.That(Bcrypt.Verify(new string('x', 72) + "different tail", hash)).IsTrue();
        await Assert.That(Bcrypt.Verify(new string('x', 71), hash)).IsFalse();
    }

    [Test]
    [Arguments("$2x$04$0mdBJAN3XyGzDZT85nrxM.yV.UuEr1O7xlhWqxLbM9P8XfBj2qyJ2", "variant $2x$")]
    [Arguments("$2y$03$0mdBJAN3XyGzDZT85nrxM.yV.UuEr1O7xlhWqxLbM9P8XfBj2qyJ2", "cost")]
    [Arguments("$2y$04$0mdBJAN3XyGzDZT85nrxM.yV.UuEr1O7xlhWqxLbM9P8Xf", "malformed")]
    [Arguments("$2y$04$0mdBJAN3XyGzDZT85nrxM.yV.UuEr1O7xlhWqxLbM9P8XfBj2qyJ!", "base64")]
    public async Task A_hash_bcrypt_cannot_check_is_named_and_never_matches(string hash, string reason)
    {
        await Assert.That(Bcrypt.Problem(hash)).Contains(reason);
        await Assert.That(Bcrypt.Verify("", hash)).IsFalse();
    }
}
